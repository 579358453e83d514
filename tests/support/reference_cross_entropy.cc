// The reference label-smoothed cross-entropy (tests only): log-probabilities by the library's
// log-softmax, then the smoothing, padding mask and reduction as plain loops, the definition
// the model's in-place cross-entropy (supernet/ops/cross_entropy_inplace.cc) is checked against.
//
// Followed: fairseq/criterions/label_smoothed_cross_entropy.py as in the fairseq 0.8/0.9 that
// HAT forked, read in the fork of HAT's first author (Hanrui-Wang/fairseq, commit a171ba9;
// HAT's own copy of the file was not available to check):
//   nll_loss    = -lprobs.gather(-1, target), masked to 0 where target == padding_idx, summed
//   smooth_loss = -lprobs.sum(-1),            masked the same way, summed
//   eps_i = eps / lprobs.size(-1)             (eps / V, not the newer eps / (V - 1))
//   loss  = (1 - eps) * nll_loss + eps_i * smooth_loss
#include "tests/support/reference_cross_entropy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "supernet/ops/log_softmax.h"
#include "supernet/ops/rows.h"

namespace hat {

namespace {

constexpr const char* kOp = "label_smoothed_cross_entropy";

// Targets must have the rows' count and lie in [0, V) unless they are padding.
void check_targets(const Tensor& targets, int64_t rows, int64_t vocab, int32_t padding_idx,
                   const char* op, const Tensor& logits) {
  HAT_CHECK(targets.defined() && targets.dtype() == DType::i32 && targets.is_contiguous(), op,
            ": targets must be dense i32, got ", targets.describe(), " for logits ",
            logits.describe());
  HAT_CHECK(targets.numel() == rows, op, ": targets ", targets.describe(), " do not match logits ",
            logits.describe(), " (", rows, " rows)");
  const int32_t* t = targets.data<int32_t>();
  for (int64_t n = 0; n < rows; ++n)
    HAT_CHECK(t[n] == padding_idx || (t[n] >= 0 && t[n] < vocab), op, ": target ", t[n],
              " of row ", n, " is outside [0, ", vocab, ") (logits ", logits.describe(),
              ", targets ", targets.describe(), ", padding_idx ", padding_idx, ")");
}

void check_epsilon(double epsilon, const char* op) {
  HAT_CHECK(epsilon >= 0.0 && epsilon <= 1.0, op, ": label smoothing ", epsilon,
            " is outside [0, 1]");
}

// ---- smoothing and reduction ----

// Per-row nll_n and loss_n (0 for padding rows), in double.
template <typename T>
void row_losses(const Tensor& lp, const int32_t* targets, double epsilon, int32_t padding_idx,
                std::vector<double>& nll, std::vector<double>& loss) {
  const int64_t rows = lp.size(0), vocab = lp.size(1);
  const double eps_i = epsilon / static_cast<double>(vocab);
  const T* p = lp.data<T>();
#pragma omp parallel for
  for (int64_t n = 0; n < rows; ++n) {
    if (targets[n] == padding_idx) continue;
    const T* row = p + n * vocab;
    nll[n] = -static_cast<double>(row[targets[n]]);
    loss[n] = (1.0 - epsilon) * nll[n];
    if (epsilon != 0.0) {  // skipped at eps = 0 so that a -inf log-prob cannot make 0 * inf
      double smooth = 0;
      for (int64_t v = 0; v < vocab; ++v) smooth -= static_cast<double>(row[v]);
      loss[n] += eps_i * smooth;
    }
  }
}

// d loss_n / d z_j, with p = softmax(z), lp = log p, t the target:
//   d(-lp_t)/dz_j = p_j - [j == t]        d(-sum_v lp_v)/dz_j = V p_j - 1
//   => (1 - eps)(p_j - [j == t]) + (eps / V)(V p_j - 1) = p_j - q_j,
//      q_j = (1 - eps)[j == t] + eps / V.
template <typename T>
void add_softmax_minus_q(const Tensor& lp, const int32_t* targets, double epsilon,
                         int32_t padding_idx, double grad_scale, const Tensor& dz) {
  const int64_t rows = lp.size(0), vocab = lp.size(1);
  const double eps_i = epsilon / static_cast<double>(vocab);
  const T* p = lp.data<T>();
  T* g = dz.data<T>();
#pragma omp parallel for
  for (int64_t n = 0; n < rows; ++n) {
    if (targets[n] == padding_idx) continue;
    const T* row = p + n * vocab;
    T* out = g + n * vocab;
    for (int64_t v = 0; v < vocab; ++v)
      out[v] += static_cast<T>(grad_scale * (std::exp(static_cast<double>(row[v])) - eps_i));
    out[targets[n]] -= static_cast<T>(grad_scale * (1.0 - epsilon));
  }
}

}  // namespace

ops::CrossEntropyResult label_smoothed_cross_entropy_forward(const Tensor& logits,
                                                             const Tensor& targets, double epsilon,
                                                             int32_t padding_idx,
                                                             CrossEntropyContext& ctx) {
  const Tensor x = ops::as_rows(logits, kOp, "logits");
  HAT_CHECK(x.dtype() == DType::f32 || x.dtype() == DType::f64, kOp,
            ": logits must be f32 or f64, got ", logits.describe());
  const int64_t rows = x.size(0), vocab = x.size(1);
  HAT_CHECK(vocab > 0, kOp, ": logits ", logits.describe(), " have an empty vocabulary");
  HAT_CHECK(logits.dim() >= 2 && targets.defined() &&
                targets.shape() == Shape(logits.shape().begin(), logits.shape().end() - 1),
            kOp, ": targets ", targets.describe(), " do not match logits ", logits.describe(),
            " (expected the logits' shape without its last dimension)");
  check_targets(targets, rows, vocab, padding_idx, kOp, logits);
  check_epsilon(epsilon, kOp);

  ctx.log_probs = x.clone();
  ops::CrossEntropyResult result;
  if (rows == 0) return result;
  ops::log_softmax_rows_inplace(ctx.log_probs);

  std::vector<double> nll(rows, 0.0), loss(rows, 0.0);
  const int32_t* t = targets.data<int32_t>();
  if (x.dtype() == DType::f32)
    row_losses<float>(ctx.log_probs, t, epsilon, padding_idx, nll, loss);
  else
    row_losses<double>(ctx.log_probs, t, epsilon, padding_idx, nll, loss);
  for (int64_t n = 0; n < rows; ++n) {  // in row order: the same sum for any thread count
    if (t[n] == padding_idx) continue;
    HAT_CHECK(std::isfinite(loss[n]) && std::isfinite(nll[n]), kOp, ": the loss is not finite (",
              loss[n], ") for logits ", logits.describe(), " and targets ", targets.describe(),
              "; first offending row ", n, " (target ", t[n], ")");
    result.loss += loss[n];
    result.nll_loss += nll[n];
    ++result.tokens;
  }
  return result;
}

void label_smoothed_cross_entropy_backward(const CrossEntropyContext& ctx, const Tensor& targets,
                                           double epsilon, int32_t padding_idx,
                                           double grad_scale, const Tensor& dlogits) {
  if (!dlogits.defined()) return;
  const char* op = "label_smoothed_cross_entropy_backward";
  const Tensor& lp = ctx.log_probs;
  HAT_CHECK(lp.defined() && lp.dim() == 2, op, ": the context holds no log-probabilities (",
            lp.describe(), "); run the forward first");
  const Tensor dz = ops::as_rows(dlogits, op, "dlogits");
  HAT_CHECK(dz.shape() == lp.shape() && dz.dtype() == lp.dtype(), op, ": dlogits ",
            dlogits.describe(), " does not match the forward's log-probabilities ",
            lp.describe());
  check_targets(targets, lp.size(0), lp.size(1), padding_idx, op, dlogits);
  check_epsilon(epsilon, op);
  if (lp.numel() == 0) return;
  const int32_t* t = targets.data<int32_t>();
  if (lp.dtype() == DType::f32)
    add_softmax_minus_q<float>(lp, t, epsilon, padding_idx, grad_scale, dz);
  else
    add_softmax_minus_q<double>(lp, t, epsilon, padding_idx, grad_scale, dz);
}

}  // namespace hat
