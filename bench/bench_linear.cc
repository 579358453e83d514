// Linear forward+backward GFLOP/s at Transformer shapes, on full and on sliced (weight-shared)
// weights, against a plain oneDNN matmul of the same size measured in the same run.
// Target (issue 2): sliced linear forward+backward >= 70% of the plain matmul's GFLOP/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "bench/bench_common.h"
#include "devices/backends.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/parameters.h"
#include "devices/threads.h"
#include "supernet/ops/linear.h"
#include "tools/cli/cli.h"

namespace {

using namespace hat;
using bench::median;
using bench::PlainMatmul;
using bench::seconds;

struct Options {
  int threads = 0;
  int repeats = 10;
  int warmups = 2;
  int64_t tokens = 4096;
};

constexpr const char* kAbout =
    "usage: bench_linear [--threads N] [--repeats N] [--warmups N] [--tokens N]\n"
    "Times linear forward+backward (y = x W^T + b; dx, dW, db) at Transformer shapes on full\n"
    "and on sliced SuperTransformer weights, and a plain oneDNN matmul of the same size.\n"
    "Reports median GFLOP/s over the repeats and each ratio to the plain matmul.\n";

// The options, or nothing when --help was printed.
std::optional<Options> parse(int argc, char** argv) {
  namespace po = boost::program_options;
  Options o;
  po::options_description options("Options");
  options.add_options()
      ("threads", po::value(&o.threads)->default_value(o.threads), "OpenMP threads for every op (0: all cores)")
      ("repeats", po::value(&o.repeats)->default_value(o.repeats), "timed repetitions per case, median reported")
      ("warmups", po::value(&o.warmups)->default_value(o.warmups), "untimed repetitions first")
      ("tokens", po::value(&o.tokens)->default_value(o.tokens), "rows of the activations, batch x time")
      ("help,h", "show this help");
  if (!cli::parse_options(argc, argv, options, kAbout)) return std::nullopt;
  if (o.threads < 0 || o.repeats < 1 || o.warmups < 0 || o.tokens < 1)
    throw cli::UsageError("--threads and --warmups must be >= 0, --repeats and --tokens >= 1");
  return o;
}

void fill(const Tensor& t, float value) {
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = value * static_cast<float>((i * 7919) % 13 - 6);
}

// Linear on W[:out, :in] of a [out_max, in_max] parameter (equal sizes = full weights).
class SlicedLinear {
 public:
  SlicedLinear(int64_t M, int64_t in, int64_t out, int64_t in_max, int64_t out_max) {
    params_.declare("w", {out_max, in_max});
    params_.declare("b", {out_max});
    params_.allocate();
    fill(params_.values(), 0.01f);
    w_ = params_.value("w").leading({out, in});
    b_ = params_.value("b").leading({out});
    dw_ = params_.grad("w").leading({out, in});
    db_ = params_.grad("b").leading({out});
    x_ = Tensor::zeros({M, in}, DType::f32);
    dy_ = Tensor::zeros({M, out}, DType::f32);
    dx_ = Tensor::zeros({M, in}, DType::f32);
    fill(x_, 0.02f);
    fill(dy_, 0.001f);
  }
  void forward() { ops::linear_forward(x_, w_, &b_, y_); }
  void backward() { ops::linear_backward(x_, w_, dy_, dx_, dw_, db_); }

 private:
  ParameterStore params_{DType::f32};
  Tensor w_, b_, dw_, db_, x_, dy_, dx_, y_;
};

}  // namespace

int run(int argc, char** argv) {
    const std::optional<Options> parsed = parse(argc, argv);
    if (!parsed) return 0;
    const Options& o = *parsed;
    set_num_threads(o.threads);
    std::printf("bench_linear: %s; median of %d interleaved runs after %d warm-ups\n",
                backend_summary().c_str(), o.repeats, o.warmups);
    struct Case { int64_t in, out, in_max, out_max; };
    // Sliced cases use HAT-like SuperTransformer maxima around the active block.
    const std::vector<Case> cases = {{256, 1024, 640, 3072}, {512, 2048, 640, 3072}, {1024, 512, 3072, 640}};
    std::printf("\n%-22s %10s %12s %12s %7s %14s %7s\n", "shape (tokens x in->out)", "plain mm",
                "full f+b", "sliced f+b", "full%", "sliced fwd/bwd", "slice%");
    std::printf("%-22s %10s %12s %12s %7s %14s %7s\n", "", "GFLOP/s", "GFLOP/s", "GFLOP/s", "", "GFLOP/s", "");
    bool target_met = true;
    for (const Case& c : cases) {
      const int64_t M = o.tokens;
      const double flops = 2.0 * M * c.in * c.out;  // one matmul; linear f+b does three
      PlainMatmul plain(M, c.in, c.out);
      SlicedLinear full(M, c.in, c.out, c.in, c.out);
      SlicedLinear sliced(M, c.in, c.out, c.in_max, c.out_max);
      // Interleaved: each repetition times all three, so machine noise hits them alike.
      std::vector<double> t_plain, t_full, t_fwd, t_bwd;
      for (int i = 0; i < o.warmups + o.repeats; ++i) {
        const double p = seconds([&] { plain.run(); });
        const double f = seconds([&] { full.forward(); full.backward(); });
        const double sf = seconds([&] { sliced.forward(); });
        const double sb = seconds([&] { sliced.backward(); });
        if (i < o.warmups) continue;
        t_plain.push_back(p);
        t_full.push_back(f);
        t_fwd.push_back(sf);
        t_bwd.push_back(sb);
      }
      std::vector<double> t_sliced(t_fwd.size());
      for (size_t i = 0; i < t_fwd.size(); ++i) t_sliced[i] = t_fwd[i] + t_bwd[i];
      const double plain_gf = flops / median(t_plain) / 1e9;
      const double full_fb = 3 * flops / median(t_full) / 1e9;
      const double sliced_fb = 3 * flops / median(t_sliced) / 1e9;
      const double ratio = sliced_fb / plain_gf;
      target_met = target_met && ratio >= 0.7;
      char shape[64];
      std::snprintf(shape, sizeof shape, "%lld x %lld->%lld", static_cast<long long>(M),
                    static_cast<long long>(c.in), static_cast<long long>(c.out));
      std::printf("%-22s %10.1f %12.1f %12.1f %6.0f%% %6.0f/%-7.0f %6.0f%%\n", shape, plain_gf,
                  full_fb, sliced_fb, 100 * full_fb / plain_gf, flops / median(t_fwd) / 1e9,
                  2 * flops / median(t_bwd) / 1e9, 100 * ratio);
      if (&c == &cases.front())
        std::printf("%-22s (oneDNN matmul implementation: %s)\n", "", plain.impl().c_str());
    }
    std::printf("\nsliced slices W[:out, :in] of a [out_max, in_max] parameter "
                "(640/3072 maxima as in HAT's WMT space)\n");
    std::printf("target: sliced linear forward+backward >= 70%% of plain matmul GFLOP/s: %s\n",
                target_met ? "met" : "NOT met");
    return 0;
}

int main(int argc, char** argv) {
  return cli::run_tool("bench_linear", [&] { return run(argc, argv); });
}
