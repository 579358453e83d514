#include "latency/measure/kernel_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>

#include "devices/error.h"
#include "devices/packed_matmul.h"
#include "devices/threads.h"
#include "latency/dataset/stats.h"
#include "latency/host_info.h"
#include "latency/predict/robust_fit.h"
#include "supernet/decode/decode_attention.h"
#include "supernet/ops/log_softmax.h"
#include "supernet/model/sublayers.h"
#include "supernet/ops/relu.h"

namespace hat::latency {

namespace {

using Clock = std::chrono::steady_clock;

// Median over `batches` timed batches (after one untimed) of the time per call, where a batch
// is `calls` calls of run(i) for i = 0, 1, ...
template <typename Run>
double median_call_ms(int batches, int64_t calls, Run&& run) {
  std::vector<double> per_call;
  int64_t i = 0;
  for (int b = 0; b <= batches; ++b) {
    const auto start = Clock::now();
    for (int64_t c = 0; c < calls; ++c) run(i++);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (b > 0) per_call.push_back(ms / static_cast<double>(calls));
  }
  const double m = median(per_call);
  HAT_CHECK(m > 0, "kernel benchmark: a timing of ", m, " ms (the clock did not advance)");
  return m;
}

// Deterministic, varied values (zeros could take a faster path in some kernel).
Tensor filled(const Shape& shape, float scale) {
  Tensor t = Tensor::zeros(shape, DType::f32);
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = scale * static_cast<float>(i % 997 - 498);
  return t;
}

// `copies` packed [K, N] matrices (distinct memory, so cycling through them leaves the cache).
std::vector<PackedMatrix> packed_copies(int64_t K, int64_t N, int64_t copies) {
  const Tensor w = filled({K, N}, 1e-3f);
  std::vector<PackedMatrix> out;
  for (int64_t c = 0; c < copies; ++c) out.push_back(PackedMatrix::pack(w));
  return out;
}

// Per-call time of [M, K] x [K, N] products cycling through `mats`.
double packed_gemm_call_ms(int64_t M, const std::vector<PackedMatrix>& mats, int batches) {
  const int64_t K = mats.front().rows(), N = mats.front().cols();
  const Tensor a = filled({M, K}, 1e-2f), c = Tensor::zeros({M, N}, DType::f32);
  const int64_t n = static_cast<int64_t>(mats.size());
  return median_call_ms(batches, std::max<int64_t>(8, n),
                        [&](int64_t i) { matmul_packed(a, mats[i % n], c); });
}

// t = call + slope x size over the timings, by the operator fit's robust relative least squares.
LinearCost fit_linear(const std::vector<double>& sizes, const std::vector<double>& ms) {
  std::vector<std::vector<double>> x;
  for (double s : sizes) x.push_back({1.0, s});
  const std::vector<double> c = fit_relative_nnls(x, ms);
  return {c[0], c[1]};
}

struct WeightShape {
  int64_t K, N;
};

// Hot: one matrix of at most 1 MB again and again; cold: a rotation through cold_bytes of
// copies, up to a 32768-wide output projection. Per row count, t = call + per_weight x K N.
void measure_packed_gemms(const KernelBenchmarkOptions& o,
                          const std::function<void(const std::string&)>& say, KernelCosts& k) {
  const std::vector<WeightShape> hot_shapes = {{128, 128}, {256, 256}, {256, 512}, {512, 256},
                                               {256, 1024}, {1024, 256}, {512, 512}};
  const std::vector<WeightShape> cold_shapes = {{256, 256},  {256, 1024}, {512, 512},
                                                {512, 2048}, {2048, 512}, {256, 8192},
                                                {256, 32768}};
  std::vector<std::vector<double>> hot_ms(o.rows.size()), cold_ms(o.rows.size());
  std::vector<double> hot_sizes, cold_sizes;
  say("packed GEMMs, weights in cache");
  for (const WeightShape& s : hot_shapes) {
    const std::vector<PackedMatrix> one = packed_copies(s.K, s.N, 1);
    hot_sizes.push_back(static_cast<double>(s.K * s.N));
    for (size_t m = 0; m < o.rows.size(); ++m)
      hot_ms[m].push_back(packed_gemm_call_ms(o.rows[m], one, o.batches));
  }
  for (const WeightShape& s : cold_shapes) {
    say(str("packed GEMMs, weights from memory: [M, ", s.K, "] x [", s.K, ", ", s.N, "]"));
    const double bytes = 4.0 * static_cast<double>(s.K * s.N);
    const int64_t copies = std::max<int64_t>(2, static_cast<int64_t>(std::ceil(o.cold_bytes / bytes)));
    const std::vector<PackedMatrix> mats = packed_copies(s.K, s.N, copies);
    cold_sizes.push_back(static_cast<double>(s.K * s.N));
    for (size_t m = 0; m < o.rows.size(); ++m)
      cold_ms[m].push_back(packed_gemm_call_ms(o.rows[m], mats, o.batches));
  }
  for (size_t m = 0; m < o.rows.size(); ++m) {
    k.hot.push_back(fit_linear(hot_sizes, hot_ms[m]));
    k.cold.push_back(fit_linear(cold_sizes, cold_ms[m]));
  }
}

// The share of the cold-hot difference paid at each footprint, on 1 MB matrices at one and at
// five rows (the beams that matter most), averaged. Each round times every footprint once, the
// hot and cold ends included, so that the machine's speed changing between rounds (a shared
// machine's does, by 0.85-1.35x within minutes here) scales them alike; a footprint's share is
// its median over the rounds, then made non-decreasing, since more bytes cannot fit the cache
// better.
void measure_footprint_share(const KernelBenchmarkOptions& o, KernelCosts& k) {
  const int64_t K = 256, N = 1024;
  const double matrix_bytes = 4.0 * K * N;
  const auto matrices = [&](double bytes) {
    return static_cast<int64_t>(std::max(1.0, std::round(bytes / matrix_bytes)));
  };
  const std::vector<PackedMatrix> pool = packed_copies(K, N, matrices(o.cold_bytes));
  std::vector<double> footprints;
  for (double mb : {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192})
    if (mb * 1e6 <= o.max_footprint_bytes && mb * 1e6 < o.cold_bytes) footprints.push_back(mb * 1e6);
  std::vector<std::vector<double>> rounds(footprints.size());
  for (int round = 0; round < o.batches; ++round)
    for (int64_t M : {1, 5}) {
      const auto time_first = [&](int64_t n) {
        n = std::min<int64_t>(n, static_cast<int64_t>(pool.size()));
        return packed_gemm_call_ms(M, std::vector<PackedMatrix>(pool.begin(), pool.begin() + n), 1);
      };
      const double hot = time_first(1), cold = time_first(static_cast<int64_t>(pool.size()));
      for (size_t f = 0; f < footprints.size(); ++f) {
        const double t = time_first(matrices(footprints[f]));
        rounds[f].push_back(std::clamp(cold > hot ? (t - hot) / (cold - hot) : 0.0, 0.0, 1.0));
      }
    }
  std::vector<double> share;
  for (const std::vector<double>& r : rounds) share.push_back(median(r));
  share.front() = 0;  // by definition: the hot figures are this footprint's
  for (size_t f = 1; f < share.size(); ++f) share[f] = std::max(share[f], share[f - 1]);
  footprints.push_back(static_cast<double>(pool.size()) * matrix_bytes);
  share.push_back(1);
  k.footprint_bytes = footprints;
  k.cold_share = share;
}

// Decoder steps replayed (kernel_costs.h, StepReplay): the layers' part as W_l weights of 1 MB
// [256, 1024] matrices, the output projection as one [256, W_o / 256] matrix, the one after the
// other again and again; each part's time per weight, less its calls' fixed cost (the GEMM
// fits'), at every point of the grid. A round times the whole grid, so that drift between
// rounds scales it alike; the median over the rounds is kept. Each point first runs its cycle
// untimed twice, then times it at least four times: the cache keeps more of a cycle larger
// than itself after a few passes, and a decoder runs its steps back to back (at 4 + 8 M
// weights, one warm-up and two timed passes put a 1-row output projection 15% above the
// steady state that a 1-row decoder step shows, and a 5-row one at it).
void measure_step_replay(const KernelBenchmarkOptions& o, KernelCosts& k) {
  constexpr int64_t K = 256, N = 1024;
  constexpr int kWarmPasses = 2, kMinTimedPasses = 4;
  constexpr double kWeightsPerPoint = 60e6;  // weights read per timing, over its passes
  const auto pieces_for = [&](double w) {
    return std::max<int64_t>(1, std::llround(w / static_cast<double>(K * N)));
  };
  StepReplay& r = k.replay;
  for (int64_t M : o.replay_rows) r.rows.push_back(static_cast<double>(M));
  for (double w : o.replay_layer_weights) r.layer_weights.push_back(static_cast<double>(pieces_for(w) * K * N));
  std::vector<PackedMatrix> outputs;
  for (double w : o.replay_output_weights) {
    const int64_t cols = std::max<int64_t>(1, std::llround(w / K));
    outputs.push_back(PackedMatrix::pack(filled({K, cols}, 1e-3f)));
    r.output_weights.push_back(static_cast<double>(K * cols));
  }
  const std::vector<PackedMatrix> pieces = packed_copies(K, N, pieces_for(o.replay_layer_weights.back()));
  const size_t nl = r.layer_weights.size(), no = r.output_weights.size();
  std::vector<std::vector<double>> layer(r.rows.size() * nl * no), output(layer.size());
  using Ms = std::chrono::duration<double, std::milli>;
  for (int round = 0; round < o.replay_rounds; ++round)
    for (size_t m = 0; m < r.rows.size(); ++m) {
      const int64_t M = o.replay_rows[m];
      // Products write contiguous rows, as the decoder's do (its logits are [B, V]): rows of a
      // wider buffer, 500 KB apart, made the 5-row output projection 12% slower here.
      const Tensor a = filled({M, K}, 1e-2f), c_piece = Tensor::zeros({M, N}, DType::f32);
      for (size_t l = 0; l < nl; ++l)
        for (size_t j = 0; j < no; ++j) {
          const int64_t n = pieces_for(r.layer_weights[l]);
          const PackedMatrix& out = outputs[j];
          const Tensor c_out = Tensor::zeros({M, out.cols()}, DType::f32);
          const double Wl = r.layer_weights[l], Wo = r.output_weights[j];
          const int reps =
              std::max(kMinTimedPasses, static_cast<int>(kWeightsPerPoint / (Wl + Wo)));
          double layer_ms = 0, output_ms = 0;
          for (int rep = 0; rep < kWarmPasses + reps; ++rep) {
            const auto start = Clock::now();
            for (int64_t p = 0; p < n; ++p) matmul_packed(a, pieces[p], c_piece);
            const auto mid = Clock::now();
            matmul_packed(a, out, c_out);
            if (rep < kWarmPasses) continue;
            layer_ms += Ms(mid - start).count();
            output_ms += Ms(Clock::now() - mid).count();
          }
          const double call = k.packed_gemm_cost(static_cast<double>(M), 4 * (Wl + Wo)).call_ms;
          const size_t cell = (m * nl + l) * no + j;
          layer[cell].push_back(std::max(0.0, (layer_ms / reps - n * call) / Wl));
          output[cell].push_back(std::max(0.0, (output_ms / reps - call) / Wo));
        }
    }
  for (size_t i = 0; i < layer.size(); ++i) {
    r.layer_ms.push_back(median(layer[i]));
    r.output_ms.push_back(median(output[i]));
  }
}

// Operands just written by the step's previous kernel: hot only, except log-softmax, whose
// logits the output projection writes while it streams the whole output matrix (also cold:
// rows rotating through cold_bytes). t = call + per_element x elements.
void measure_elementwise(const KernelBenchmarkOptions& o, KernelCosts& k) {
  const auto fit_hot = [&](const std::vector<int64_t>& widths, auto&& make_run) {
    std::vector<double> elements, ms;
    for (int64_t R : {1, 2, 5, 8})
      for (int64_t width : widths) {
        auto run = make_run(R, width);
        ms.push_back(median_call_ms(o.batches, 20, run));
        elements.push_back(static_cast<double>(R * width));
      }
    return fit_linear(elements, ms);
  };
  k.norm = fit_hot({128, 256, 512, 1024}, [&](int64_t R, int64_t d) {
    auto state = std::make_shared<model::ResidualNormState>();
    auto p = std::make_shared<model::LayerNormParam>();
    p->weight.value = filled({d}, 1e-3f), p->bias.value = filled({d}, 1e-3f);
    const Tensor x = filled({R, d}, 1e-2f);
    return [state, p, x, R, d](int64_t) {
      model::residual_norm_input(*state, R, d, DType::f32);
      model::residual_norm_forward(*p, x, {}, *state);
    };
  });
  k.relu = fit_hot({512, 1024, 2048, 4096}, [&](int64_t R, int64_t f) {
    const Tensor x = filled({R, f}, 1e-2f);
    auto y = std::make_shared<Tensor>(Tensor::zeros({R, f}, DType::f32));
    return [x, y](int64_t) { ops::relu_forward(x, *y); };
  });
  // In place again and again: log-softmax of log-probabilities is themselves (their
  // log-sum-exp is 0), so every call does the same work on the same values.
  const std::vector<int64_t> vocabularies = {4000, 8000, 16000, 32000, 64000};
  k.softmax_hot = fit_hot(vocabularies, [&](int64_t R, int64_t V) {
    const Tensor x = filled({R, V}, 1e-3f);
    return [x](int64_t) { ops::log_softmax_rows_inplace(x); };
  });
  const Tensor pool = filled({static_cast<int64_t>(o.cold_bytes / 4)}, 1e-3f);
  std::vector<double> elements, ms;
  for (int64_t R : {1, 2, 5, 8})
    for (int64_t V : vocabularies) {
      std::vector<Tensor> blocks;
      for (int64_t c = 0; (c + 1) * R * V <= pool.numel(); ++c)
        blocks.push_back(pool.narrow(0, c * R * V, R * V).reshape({R, V}));
      const int64_t n = static_cast<int64_t>(blocks.size());
      HAT_CHECK(n >= 1, "kernel benchmark: cold_bytes below one ", R, " x ", V, " block");
      ms.push_back(median_call_ms(o.batches, std::max<int64_t>(20, n), [&](int64_t i) {
        ops::log_softmax_rows_inplace(blocks[i % n]);
      }));
      elements.push_back(static_cast<double>(R * V));
    }
  k.softmax_cold = fit_linear(elements, ms);
}

// Self-attention reads one cache block per row; encoder-decoder attention one block for all
// the rows of a sentence, masked to its length. Cold: the blocks rotate through cold_bytes
// (over many positions only: at a few the call's fixed cost is all there is).
// t = call + per_head x R H + per_mac x R keys Q, + per_block x keys Q for the block that
// encoder-decoder attention's rows share (its first row reads the block from wherever it is,
// the others from the core's cache); fitted apart at each width Q (kernel_costs.h).
// Queries and keys of at most 0.5 give scores of order one, as a model's do. The GEMMs' values
// (up to 5) gave scores in the hundreds, softmax weights that underflow into subnormal floats,
// and calls 3x slower here (5 rows, 90 keys) than with these.
void measure_attention(const KernelBenchmarkOptions& o, KernelCosts& k) {
  constexpr float kScale = 1e-3f;
  const Tensor pool = filled({static_cast<int64_t>(o.cold_bytes / 4)}, kScale);
  for (bool cross : {false, true}) {
    AttentionCosts& costs = cross ? k.cross_attention : k.self_attention;
    costs = {};
    for (int64_t Q : {256, 512}) {
      costs.qkv.push_back(static_cast<double>(Q));
      for (bool cold : {false, true}) {
        std::vector<std::vector<double>> x;
        std::vector<double> ms;
        for (int64_t R : {1, 2, 5, 8})
          for (int64_t H : {2, 4, 8})
            for (int64_t keys : {1, 8, 30, 90}) {
              if (cold && keys < 30) continue;
              const Tensor q = filled({R, Q}, kScale), out = Tensor::zeros({R, Q}, DType::f32);
              const int64_t blocks = cross ? 1 : R, block_elements = blocks * keys * 2 * Q;
              const int64_t copies = cold ? std::max<int64_t>(1, pool.numel() / block_elements) : 1;
              // Cross: one sentence's keys/values that every row reads. Self: the decoder's
              // cache, one [R, 2Q] block per step, each row reading its own row of each.
              std::vector<Tensor> k_t, v;
              std::vector<std::vector<Tensor>> steps(copies);
              for (int64_t c = 0; c < copies; ++c) {
                const Tensor copy = pool.narrow(0, c * block_elements, block_elements);
                k_t.push_back(copy.narrow(0, 0, keys * Q).reshape({1, Q, keys}));
                v.push_back(copy.narrow(0, keys * Q, keys * Q).reshape({1, keys, Q}));
                for (int64_t s = 0; s < keys && !cross; ++s)
                  steps[c].push_back(copy.narrow(0, s * R * 2 * Q, R * 2 * Q).reshape({R, 2 * Q}));
              }
              const std::vector<int64_t> one_sentence(static_cast<size_t>(R), 0);
              std::vector<int32_t> ancestry(static_cast<size_t>(R * keys));
              for (int64_t r = 0; r < R; ++r)
                std::fill_n(ancestry.begin() + r * keys, keys, static_cast<int32_t>(r));
              const std::vector<int32_t> lengths = {static_cast<int32_t>(keys)};
              ms.push_back(median_call_ms(o.batches, std::max<int64_t>(20, copies), [&](int64_t i) {
                if (cross)
                  decode::cross_attention_forward(q, k_t[i % copies], v[i % copies], one_sentence,
                                                  H, out, keys, lengths);
                else
                  decode::step_attention_forward(q, steps[i % copies], ancestry.data(), keys, H,
                                                 out);
              }));
              x.push_back({1.0, static_cast<double>(R * H), static_cast<double>(R * keys * Q)});
              if (cross) x.back().push_back(static_cast<double>(keys * Q));
            }
        const std::vector<double> c = fit_relative_nnls(x, ms);
        (cold ? costs.cold : costs.hot)
            .push_back(AttentionCost{c[0], c[1], c[2], cross ? c[3] : 0.0});
      }
    }
  }
}

}  // namespace

KernelCosts benchmark_kernels(const KernelBenchmarkOptions& o) {
  HAT_CHECK(!o.rows.empty() && o.batches >= 1 && o.cold_bytes > 0 && o.max_footprint_bytes > 0,
            "kernel benchmark: needs row counts, batches >= 1 and positive byte budgets");
  HAT_CHECK(!o.replay_rows.empty() && !o.replay_layer_weights.empty() &&
                !o.replay_output_weights.empty() && o.replay_rounds >= 1,
            "kernel benchmark: the step replay needs row counts, weights and rounds >= 1");
  const std::function<void(const std::string&)> say = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  KernelCosts k;
  k.host = cpu_description();
  k.threads = num_threads();
  for (int64_t M : o.rows) k.rows.push_back(static_cast<double>(M));

  measure_packed_gemms(o, say, k);
  say("cache footprint sweep");
  measure_footprint_share(o, k);
  say("decoder step replay");
  measure_step_replay(o, k);
  say("layer norm, ReLU, log-softmax");
  measure_elementwise(o, k);
  say("decode attention");
  measure_attention(o, k);
  k.check("kernel benchmark");
  return k;
}

}  // namespace hat::latency
