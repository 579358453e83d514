// In-place label-smoothed cross-entropy: blocks of rows go through the backend's softmax (f32,
// in place; oneDNN's vectorised exp on the CPU) between two light row loops of our own; f64
// runs plain loops.
//
// Per row z (V logits), target t, with lse = log sum_v exp(z_v):
//   nll = lse - z_t        smooth = -sum_v log p_v = V lse - sum_v z_v
//   loss = (1 - eps) nll + (eps / V) smooth
//   (fairseq 0.8/0.9's label_smoothed_cross_entropy.py, which HAT forked: eps / V, not the
//   newer eps / (V - 1); see tests/support/reference_cross_entropy.cc)
//   d loss / d z_v = p_v - q_v,  q_v = (1 - eps) [v == t] + eps / V
// lse is recovered from the softmax at the row's largest logit m (p_m >= 1 / V never
// underflows): lse = z_m - log p_m.
#include "supernet/ops/cross_entropy_inplace.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "devices/kernels.h"
#include "devices/threads.h"

namespace hat::ops {

namespace {

constexpr const char* kOp = "label_smoothed_cross_entropy_inplace";

struct RowStats {
  double sum = 0;     // sum_v z_v
  double target = 0;  // z_t
  double max = 0;     // z_m
  int64_t argmax = 0; // m
};

template <typename T>
RowStats row_stats(const T* z, int64_t vocab, int32_t target) {
  RowStats s;
  T best = z[0];
  double sum = 0;
  for (int64_t v = 0; v < vocab; ++v) {
    sum += static_cast<double>(z[v]);
    if (z[v] > best) {
      best = z[v];
      s.argmax = v;
    }
  }
  s.sum = sum;
  s.max = static_cast<double>(best);
  s.target = static_cast<double>(z[target]);
  return s;
}

// f64: softmax of one row in place (plain loop), shifted by its max.
void softmax_row_f64(double* z, int64_t vocab, double max) {
  double sum = 0;
  for (int64_t v = 0; v < vocab; ++v) sum += z[v] = std::exp(z[v] - max);
  for (int64_t v = 0; v < vocab; ++v) z[v] /= sum;
}

template <typename T>
void run(const Tensor& logits, const int32_t* targets, double eps, int32_t pad, double scale,
         bool gradient, std::vector<double>& nll, std::vector<double>& loss) {
  const int64_t rows = logits.size(0), vocab = logits.size(1);
  T* base = logits.data<T>();
  const double eps_i = eps / static_cast<double>(vocab);
  // Blocks of about 1 MiB per thread, so that the three passes over a block hit the cache.
  const int64_t block =
      std::clamp<int64_t>((int64_t{1} << 18) * num_threads() / vocab, 8, 1024);
  std::vector<RowStats> stats(std::min(block, rows));
  for (int64_t start = 0; start < rows; start += block) {
    const int64_t n = std::min(block, rows - start);
#pragma omp parallel for
    for (int64_t r = 0; r < n; ++r) {
      const int32_t t = targets[start + r];
      stats[r] = row_stats(base + (start + r) * vocab, vocab, t == pad ? 0 : t);
    }
    if constexpr (std::is_same_v<T, float>) {
      kernels(logits.device()).softmax_inference_inplace(logits.narrow(0, start, n));
    } else {
#pragma omp parallel for
      for (int64_t r = 0; r < n; ++r)
        softmax_row_f64(base + (start + r) * vocab, vocab, stats[r].max);
    }
#pragma omp parallel for
    for (int64_t r = 0; r < n; ++r) {
      const int64_t row = start + r;
      const int32_t t = targets[row];
      T* p = base + row * vocab;
      if (t == pad) {
        if (gradient) std::fill(p, p + vocab, T(0));
        continue;
      }
      const RowStats& s = stats[r];
      const double lse = s.max - std::log(static_cast<double>(p[s.argmax]));
      nll[row] = lse - s.target;
      loss[row] = (1.0 - eps) * nll[row];
      if (eps != 0.0) loss[row] += eps_i * (static_cast<double>(vocab) * lse - s.sum);
      if (!gradient) continue;
      // g_v = scale * (p_v - eps / V), then the target's extra -scale * (1 - eps).
      const T g = static_cast<T>(scale), shift = static_cast<T>(scale * eps_i);
      for (int64_t v = 0; v < vocab; ++v) p[v] = g * p[v] - shift;
      p[t] -= static_cast<T>(scale * (1.0 - eps));
    }
  }
}

}  // namespace

CrossEntropyResult label_smoothed_cross_entropy_inplace(const Tensor& logits,
                                                        const Tensor& targets, double epsilon,
                                                        int32_t padding_idx, double grad_scale,
                                                        bool gradient) {
  HAT_CHECK(logits.defined() && logits.dim() == 2 && logits.is_contiguous() &&
                (logits.dtype() == DType::f32 || logits.dtype() == DType::f64),
            kOp, ": logits must be dense f32 or f64 [N, V], got ", logits.describe());
  const int64_t rows = logits.size(0), vocab = logits.size(1);
  HAT_CHECK(vocab > 0, kOp, ": logits ", logits.describe(), " have an empty vocabulary");
  HAT_CHECK(targets.defined() && targets.dtype() == DType::i32 && targets.is_contiguous() &&
                targets.numel() == rows,
            kOp, ": targets ", targets.describe(), " do not match logits ", logits.describe(),
            " (expected dense i32 [", rows, "])");
  HAT_CHECK(epsilon >= 0.0 && epsilon <= 1.0, kOp, ": label smoothing ", epsilon,
            " is outside [0, 1]");
  const int32_t* t = targets.data<int32_t>();
  for (int64_t n = 0; n < rows; ++n)
    HAT_CHECK(t[n] == padding_idx || (t[n] >= 0 && t[n] < vocab), kOp, ": target ", t[n],
              " of row ", n, " is outside [0, ", vocab, ") (logits ", logits.describe(),
              ", padding_idx ", padding_idx, ")");
  CrossEntropyResult result;
  if (rows == 0) return result;
  std::vector<double> nll(rows, 0.0), loss(rows, 0.0);
  if (logits.dtype() == DType::f32)
    run<float>(logits, t, epsilon, padding_idx, grad_scale, gradient, nll, loss);
  else
    run<double>(logits, t, epsilon, padding_idx, grad_scale, gradient, nll, loss);
  for (int64_t n = 0; n < rows; ++n) {  // in row order: the same sum for any thread count
    if (t[n] == padding_idx) continue;
    HAT_CHECK(std::isfinite(loss[n]) && std::isfinite(nll[n]), kOp, ": the loss is not finite (",
              loss[n], ") for logits ", logits.describe(), "; first offending row ", n,
              " (target ", t[n], ")");
    result.loss += loss[n];
    result.nll_loss += nll[n];
    ++result.tokens;
  }
  return result;
}

}  // namespace hat::ops
