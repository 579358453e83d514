// SuperTransformer training throughput (target tokens/s): forward_backward + Adam step on
// batches of about 4096 target tokens, at two dense Transformer shapes, with the achieved
// matmul GFLOP/s against a plain oneDNN matmul measured in the same run.
// Targets (issue 4): >= 2300 tokens/s for shape a, >= 480 for shape b (1.5x PyTorch 1.13).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "bench/bench_common.h"
#include "devices/backends.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/random.h"
#include "devices/threads.h"
#include "supernet/model/super_transformer.h"
#include "supernet/optim/adam.h"
#include "tools/cli/cli.h"

namespace {

using namespace hat;
using bench::median;

struct Options {
  int threads = 2;
  int updates = 5;
  int warmups = 4;
  int64_t tokens = 4096;
  std::string shapes = "ab";
  double dropout = 0.3, attention_dropout = 0.1;
  bool stages = false;
  bool unsorted = false;
};

constexpr const char* kAbout =
    "usage: bench_train [--threads N] [--updates N] [--warmups N] [--tokens N] [--shape a|b|ab]\n"
    "          [--dropout P] [--attention-dropout P] [--stages] [--unsorted]\n"
    "Trains dense SuperTransformers (the SubTransformer equals the SuperTransformer) on four\n"
    "batches of random sentences (targets of 25-35 tokens, sources within +-3), cycled, and\n"
    "reports the median target tokens/s of zero_grad + forward_backward + Adam over the timed\n"
    "updates. The warm-up updates see every batch shape once (oneDNN primitives and buffers\n"
    "are then built: the steady state of a training run).\n"
    "  shape a: embed 256, FFN 1024, 4 heads, qkv 256, 4+4 layers, vocab 8000\n"
    "  shape b: embed 512, FFN 2048, 8 heads, qkv 512, 6+6 layers, vocab 32000\n";

// The options, or nothing when --help was printed.
std::optional<Options> parse(int argc, char** argv) {
  namespace po = boost::program_options;
  Options o;
  po::options_description options("Options");
  options.add_options()
      ("threads", po::value(&o.threads)->default_value(o.threads), "OpenMP threads")
      ("updates", po::value(&o.updates)->default_value(o.updates), "timed updates, median reported")
      ("warmups", po::value(&o.warmups)->default_value(o.warmups), "untimed updates first")
      ("tokens", po::value(&o.tokens)->default_value(o.tokens), "target tokens per batch")
      ("shape", po::value(&o.shapes)->default_value(o.shapes), "a, b or ab")
      ("dropout", po::value(&o.dropout)->default_value(o.dropout, "0.3"), "dropout (HAT's WMT setting)")
      ("attention-dropout", po::value(&o.attention_dropout)->default_value(o.attention_dropout, "0.1"),
       "attention dropout")
      ("stages", po::bool_switch(&o.stages), "also time the forward alone and the Adam step")
      ("unsorted", po::bool_switch(&o.unsorted), "mix lengths at random within a batch (most padding) instead of bucketing by length as hatdata and fairseq do")
      ("help,h", "show this help");
  if (!cli::parse_options(argc, argv, options, kAbout)) return std::nullopt;
  if (o.shapes != "a" && o.shapes != "b" && o.shapes != "ab")
    throw cli::UsageError("--shape must be a, b or ab, got '" + o.shapes + "'");
  if (o.threads < 0 || o.updates < 1 || o.warmups < 0 || o.tokens < 64 || o.dropout < 0 ||
      o.dropout >= 1 || o.attention_dropout < 0 || o.attention_dropout >= 1)
    throw cli::UsageError("--threads and --warmups must be >= 0, --updates >= 1, --tokens >= 64, "
                          "dropouts in [0, 1)");
  return o;
}

using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}


struct BenchShape : bench::DenseShape {
  double target;  // tokens/s
};

struct Pair {
  int64_t source, target;  // lengths, eos included
};

// A batch of random token ids (4 .. V-1) for these sentence lengths.
model::ModelBatch make_batch(const std::vector<Pair>& pairs, int64_t vocab, uint64_t& state) {
  int64_t S = 0, T = 0, tokens = 0;
  for (const Pair& p : pairs) {
    S = std::max(S, p.source);
    T = std::max(T, p.target);
    tokens += p.target;
  }
  const int64_t B = static_cast<int64_t>(pairs.size());
  const auto word = [&] { return static_cast<int32_t>(4 + splitmix64(state) % (vocab - 4)); };
  const int32_t pad = 1, eos = 2;
  model::ModelBatch b;
  b.source = Tensor::zeros({B, S}, DType::i32);
  b.target_input = Tensor::zeros({B, T}, DType::i32);
  b.target_output = Tensor::zeros({B, T}, DType::i32);
  for (int64_t r = 0; r < B; ++r) {
    const int64_t ls = pairs[r].source, lt = pairs[r].target;
    for (int64_t i = 0; i < S; ++i)
      b.source.at<int32_t>({r, i}) = i + 1 < ls ? word() : i + 1 == ls ? eos : pad;
    int32_t prev = eos;  // decoder input: eos, y1 .. y(n-1)
    for (int64_t i = 0; i < T; ++i) {
      const int32_t y = i + 1 < lt ? word() : i + 1 == lt ? eos : pad;
      b.target_input.at<int32_t>({r, i}) = i < lt ? prev : pad;
      b.target_output.at<int32_t>({r, i}) = y;
      prev = y;
    }
    b.source_lengths.push_back(static_cast<int32_t>(ls));
    b.target_lengths.push_back(static_cast<int32_t>(lt));
  }
  b.target_tokens = tokens;
  return b;
}

// `count` batches of about `tokens` target tokens each. Sentences: targets of 25-35 tokens
// (eos included), sources within +-3 of their target. Bucketed (the default) as hatdata's
// TokenBatcher and fairseq batch a corpus: a pool sorted by the longer then the shorter side,
// cut in order, batches taken from across the pool. Unsorted: lengths mixed at random within a
// batch (the most padding).
std::vector<model::ModelBatch> make_batches(int64_t vocab, int64_t tokens, int count, bool bucketed,
                                            uint64_t seed) {
  uint64_t state = mix64(seed);
  const auto draw = [&](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(hi - lo + 1));
  };
  const auto pair = [&] {
    const int64_t t = draw(25, 35);
    return Pair{t + draw(-3, 3), t};
  };
  std::vector<std::vector<Pair>> groups;
  const auto cut = [&](const std::vector<Pair>& pool) {
    std::vector<std::vector<Pair>> out(1);
    int64_t sum = 0;
    for (const Pair& p : pool) {
      if (sum >= tokens) {
        out.emplace_back();
        sum = 0;
      }
      out.back().push_back(p);
      sum += p.target;
    }
    if (sum < tokens) out.pop_back();
    return out;
  };
  if (bucketed) {
    std::vector<Pair> pool(static_cast<size_t>(tokens / 30 * 12 * count));
    for (Pair& p : pool) p = pair();
    std::stable_sort(pool.begin(), pool.end(), [](const Pair& a, const Pair& b) {
      const int64_t la = std::max(a.source, a.target), lb = std::max(b.source, b.target);
      if (la != lb) return la < lb;
      return std::min(a.source, a.target) < std::min(b.source, b.target);
    });
    const std::vector<std::vector<Pair>> all = cut(pool);
    for (int i = 0; i < count; ++i) groups.push_back(all[all.size() * (2 * i + 1) / (2 * count)]);
  } else {
    std::vector<Pair> pool(static_cast<size_t>(tokens / 25 * (count + 1)));
    for (Pair& p : pool) p = pair();
    const std::vector<std::vector<Pair>> all = cut(pool);
    groups.assign(all.begin(), all.begin() + count);
  }
  std::vector<model::ModelBatch> batches;
  for (const auto& g : groups) batches.push_back(make_batch(g, vocab, state));
  return batches;
}

// Matmul FLOPs of one forward + backward (each projection: forward, dx, dW = 3 matmuls;
// attention: QK^T and PV forward, four products backward), on the shapes computed: padded rows
// in the layers, real target tokens in the output projection.
double train_flops(const BenchShape& s, const model::ModelBatch& b) {
  const double B = static_cast<double>(b.rows()), S = static_cast<double>(b.source.size(1));
  const double T = static_cast<double>(b.target_input.size(1));
  const double d = static_cast<double>(s.embed), f = static_cast<double>(s.ffn);
  const double Q = static_cast<double>(s.qkv), V = static_cast<double>(s.vocab);
  const double ns = B * S, nt = B * T;
  const double enc = 6 * ns * (3 * Q * d + d * Q + 2 * d * f) + 12 * B * S * S * Q;
  const double dec = 6 * nt * (3 * Q * d + d * Q) + 12 * B * T * T * Q +            // self
                     6 * nt * (2 * Q * d) + 6 * ns * 2 * Q * d + 12 * B * T * S * Q +  // cross
                     6 * nt * 2 * d * f;
  return s.layers * (enc + dec) + 6 * static_cast<double>(b.target_tokens) * d * V;
}

bool run_shape(const BenchShape& s, const Options& o) {
  model::SuperTransformer model(bench::dense_dims(s), DType::f32);
  model.init_parameters(1);
  optim::Adam adam(model.parameters());
  const arch::ArchConfig arch = bench::dense_arch(s);
  model::Regularization reg;
  reg.dropout = o.dropout;
  reg.attention_dropout = o.attention_dropout;
  reg.label_smoothing = 0.1;

  const std::vector<model::ModelBatch> batches =
      make_batches(s.vocab, o.tokens, 4, !o.unsorted, 100);
  std::vector<double> times, rates, gflops, forward_times, adam_times;
  double first_loss = 0, last_loss = 0;
  for (int u = 0; u < o.warmups + o.updates; ++u) {
    const model::ModelBatch& b = batches[u % batches.size()];
    const auto start = Clock::now();
    model.parameters().zero_grad();
    const model::LossSums l = model.forward_backward(arch, b, reg, static_cast<uint64_t>(u),
                                                     1.0 / static_cast<double>(b.target_tokens));
    const auto adam_start = Clock::now();
    adam.step(1e-4);
    const double t = since(start), t_adam = since(adam_start);
    if (u == 0) first_loss = l.loss / l.tokens;
    last_loss = l.loss / l.tokens;
    if (u < o.warmups) continue;
    times.push_back(t);
    rates.push_back(static_cast<double>(b.target_tokens) / t);
    gflops.push_back(train_flops(s, b) / t / 1e9);
    adam_times.push_back(t_adam);
    if (o.stages) {
      const auto f = Clock::now();
      model.evaluate(arch, b, 0.1);
      forward_times.push_back(since(f));
    }
  }
  const model::ModelBatch& b0 = batches[0];
  const double peak = bench::PlainMatmul(o.tokens, s.embed, s.ffn).gflops(5);
  const double rate = median(rates), achieved = median(gflops);
  std::printf("\nshape %s: embed %lld, FFN %lld, %lld heads, qkv %lld, %lld+%lld layers, vocab %lld\n",
              s.name, (long long)s.embed, (long long)s.ffn, (long long)s.heads, (long long)s.qkv,
              (long long)s.layers, (long long)s.layers, (long long)s.vocab);
  int64_t padded_target = 0, padded_source = 0, real_target = 0, real_source = 0;
  for (const model::ModelBatch& b : batches) {
    padded_target += b.target_input.numel();
    padded_source += b.source.numel();
    real_target += b.target_tokens;
    for (int32_t n : b.source_lengths) real_source += n;
  }
  std::printf("  batches (%s): e.g. %lld sentences, %lld target tokens as %lld x %lld, source %lld x "
              "%lld; padding %.0f%% of target rows, %.0f%% of source rows\n",
              o.unsorted ? "unsorted" : "bucketed by length", (long long)b0.rows(),
              (long long)b0.target_tokens, (long long)b0.rows(), (long long)b0.target_input.size(1),
              (long long)b0.rows(), (long long)b0.source.size(1),
              100.0 * (padded_target - real_target) / padded_target,
              100.0 * (padded_source - real_source) / padded_source);
  std::printf("  update (forward_backward + Adam): median %.3f s over %d updates\n", median(times),
              o.updates);
  if (o.stages)
    std::printf("  stages: forward alone (evaluate) %.3f s, Adam step %.3f s, backward ~%.3f s\n",
                median(forward_times), median(adam_times),
                median(times) - median(forward_times) - median(adam_times));
  std::printf("  throughput: %.0f target tokens/s (target %.0f: %s)\n", rate, s.target,
              rate >= s.target ? "met" : "NOT met");
  std::printf("  matmul FLOPs: %.1f GFLOP/s achieved vs %.1f GFLOP/s plain oneDNN matmul "
              "[%lld x %lld] x [%lld x %lld] (%.0f%%)\n",
              achieved, peak, (long long)o.tokens, (long long)s.embed, (long long)s.embed,
              (long long)s.ffn, 100 * achieved / peak);
  std::printf("  loss per token: %.3f (first update) -> %.3f (last)\n", first_loss, last_loss);
  return rate >= s.target;
}

}  // namespace

int run(int argc, char** argv) {
    const std::optional<Options> parsed = parse(argc, argv);
    if (!parsed) return 0;
    const Options& o = *parsed;
    set_num_threads(o.threads);
    std::printf("bench_train: %s; dropout %.2f, attention dropout %.2f, label smoothing 0.1\n",
                backend_summary().c_str(), o.dropout, o.attention_dropout);
    const std::vector<BenchShape> shapes = {{"a", 256, 1024, 4, 256, 4, 8000, 2300},
                                        {"b", 512, 2048, 8, 512, 6, 32000, 480}};
    bool met = true;
    for (const BenchShape& s : shapes)
      if (o.shapes.find(s.name) != std::string::npos) met = run_shape(s, o) && met;
    std::printf("\ntargets: %s\n", met ? "met" : "NOT met");
    std::printf("(GFLOP/s counts the matmul FLOPs of forward + backward on the padded shapes the "
                "layers compute; the output projection runs on real target tokens only)\n");
    return 0;
}

int main(int argc, char** argv) {
  return cli::run_tool("bench_train", [&] { return run(argc, argv); });
}
