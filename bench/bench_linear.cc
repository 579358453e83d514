// Linear forward+backward GFLOP/s at Transformer shapes, on full and on sliced (weight-shared)
// weights, against a plain oneDNN matmul of the same size measured in the same run.
// Target (issue 2): sliced linear forward+backward >= 70% of the plain matmul's GFLOP/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "devices/backends.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/parameters.h"
#include "devices/threads.h"
#include "supernet/ops/linear.h"

namespace {

using namespace hat;

struct Options {
  int threads = 0;
  int repeats = 10;
  int warmups = 2;
  int64_t tokens = 4096;
};

void usage(const char* argv0) {
  std::printf(
      "usage: %s [--threads N] [--repeats N] [--warmups N] [--tokens N]\n"
      "Times linear forward+backward (y = x W^T + b; dx, dW, db) at Transformer shapes on full\n"
      "and on sliced SuperTransformer weights, and a plain oneDNN matmul of the same size.\n"
      "Reports median GFLOP/s over the repeats and each ratio to the plain matmul.\n"
      "  --threads N   OpenMP threads for every op (default: all cores)\n"
      "  --repeats N   timed repetitions per case, median reported (default 10)\n"
      "  --warmups N   untimed repetitions first (default 2)\n"
      "  --tokens N    rows of the activations, batch x time (default 4096)\n",
      argv0);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(argv[0]);
      std::exit(0);
    }
    if (i + 1 >= argc) throw Error(str("bench_linear: ", arg, " needs a value (see --help)"));
    char* end = nullptr;
    const long value = std::strtol(argv[++i], &end, 10);
    if (*end != '\0' || value < 0)
      throw Error(str("bench_linear: ", arg, " needs a non-negative integer, got '", argv[i], "'"));
    if (arg == "--threads") o.threads = static_cast<int>(value);
    else if (arg == "--repeats" && value > 0) o.repeats = static_cast<int>(value);
    else if (arg == "--warmups") o.warmups = static_cast<int>(value);
    else if (arg == "--tokens" && value > 0) o.tokens = value;
    else throw Error(str("bench_linear: unknown or invalid option ", arg, " (see --help)"));
  }
  return o;
}

double median_seconds(const Options& o, const std::function<void()>& run) {
  for (int i = 0; i < o.warmups; ++i) run();
  std::vector<double> times;
  for (int i = 0; i < o.repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

void fill(const Tensor& t, float value) {
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = value * static_cast<float>((i * 7919) % 13 - 6);
}

// The reference: one oneDNN f32 matmul [M, K] x [K, N] on dense memory, built directly.
double plain_matmul_seconds(const Options& o, int64_t M, int64_t K, int64_t N, std::string* impl) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  dnnl::memory::desc a({M, K}, dt::f32, tag::ab), b({K, N}, dt::f32, tag::ab), c({M, N}, dt::f32, tag::ab);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), cpu::engine());
  *impl = pd.impl_info_str();
  dnnl::matmul prim(pd);
  Tensor ta = Tensor::zeros({M, K}, DType::f32), tb = Tensor::zeros({K, N}, DType::f32),
         tc = Tensor::zeros({M, N}, DType::f32);
  fill(ta, 0.01f);
  fill(tb, 0.02f);
  dnnl::memory ma(a, cpu::engine(), ta.raw()), mb(b, cpu::engine(), tb.raw()), mc(c, cpu::engine(), tc.raw());
  return median_seconds(o, [&] {
    prim.execute(cpu::stream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
    cpu::stream().wait();
  });
}

struct LinearTimes {
  double forward, backward;
};

// Linear on W[:out, :in] of a [out_max, in_max] parameter (equal sizes = full weights).
LinearTimes linear_seconds(const Options& o, int64_t M, int64_t in, int64_t out, int64_t in_max,
                           int64_t out_max) {
  ParameterStore params(DType::f32);
  params.declare("w", {out_max, in_max});
  params.declare("b", {out_max});
  params.allocate();
  fill(params.values(), 0.01f);
  const Tensor w = params.value("w").leading({out, in}), b = params.value("b").leading({out});
  const Tensor dw = params.grad("w").leading({out, in}), db = params.grad("b").leading({out});
  Tensor x = Tensor::zeros({M, in}, DType::f32), dy = Tensor::zeros({M, out}, DType::f32);
  Tensor dx = Tensor::zeros({M, in}, DType::f32), y;
  fill(x, 0.02f);
  fill(dy, 0.001f);
  LinearTimes t;
  t.forward = median_seconds(o, [&] { linear_forward(x, w, &b, y); });
  t.backward = median_seconds(o, [&] { linear_backward(x, w, dy, dx, dw, db); });
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    set_num_threads(o.threads);
    std::printf("bench_linear: %s; median of %d runs after %d warm-ups\n",
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
      std::string impl;
      const double plain = flops / plain_matmul_seconds(o, M, c.in, c.out, &impl) / 1e9;
      const LinearTimes full = linear_seconds(o, M, c.in, c.out, c.in, c.out);
      const LinearTimes sliced = linear_seconds(o, M, c.in, c.out, c.in_max, c.out_max);
      const double full_fb = 3 * flops / (full.forward + full.backward) / 1e9;
      const double sliced_fb = 3 * flops / (sliced.forward + sliced.backward) / 1e9;
      const double ratio = sliced_fb / plain;
      target_met = target_met && ratio >= 0.7;
      char shape[64];
      std::snprintf(shape, sizeof shape, "%lld x %lld->%lld", static_cast<long long>(M),
                    static_cast<long long>(c.in), static_cast<long long>(c.out));
      std::printf("%-22s %10.1f %12.1f %12.1f %6.0f%% %6.0f/%-7.0f %6.0f%%\n", shape, plain, full_fb,
                  sliced_fb, 100 * full_fb / plain, flops / sliced.forward / 1e9,
                  2 * flops / sliced.backward / 1e9, 100 * ratio);
      if (&c == &cases.front()) std::printf("%-22s (oneDNN matmul implementation: %s)\n", "", impl.c_str());
    }
    std::printf("\nsliced slices W[:out, :in] of a [out_max, in_max] parameter "
                "(640/3072 maxima as in HAT's WMT space)\n");
    std::printf("target: sliced linear forward+backward >= 70%% of plain matmul GFLOP/s: %s\n",
                target_met ? "met" : "NOT met");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
