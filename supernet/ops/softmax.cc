// Masked softmax: checks, the f64 reference loops (for the gradient checks), and f32 through
// the tensor's backend (devices/kernels.h): the mask is written as -inf by our own loop, then
// the backend's softmax runs in place (oneDNN on the CPU, devices/cpu/softmax_cpu.cc).
#include "supernet/ops/softmax.h"

#include <cmath>
#include <limits>

#include "devices/kernels.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

void check_float(const Tensor& t, const char* op, const char* name) {
  HAT_CHECK(t.dtype() == DType::f32 || t.dtype() == DType::f64, op, ": ", name,
            " must be f32 or f64, got ", t.describe());
}

// ---- f64 reference loops ----

void softmax_rows_f64(const Tensor& scores, const AttentionMask& mask, const Tensor& probs) {
  const int64_t B = scores.size(0), H = scores.size(1), tq = scores.size(2), tk = scores.size(3);
  const double* ps = scores.data<double>();
  double* pp = probs.data<double>();
#pragma omp parallel for
  for (int64_t r = 0; r < B * H * tq; ++r) {
    const int64_t b = r / (H * tq), i = r % tq, n = valid_keys(mask, b, i, tq, tk);
    const double* s = ps + r * tk;
    double* p = pp + r * tk;
    double max = s[0];
    for (int64_t j = 1; j < n; ++j) max = std::max(max, s[j]);
    double sum = 0.0;
    for (int64_t j = 0; j < n; ++j) sum += p[j] = std::exp(s[j] - max);
    for (int64_t j = 0; j < n; ++j) p[j] /= sum;
    for (int64_t j = n; j < tk; ++j) p[j] = 0.0;
  }
}

// dx = p * (dp - sum_j dp_j p_j), written (accumulate = false) or added; dx may alias dp.
void softmax_backward_f64(const Tensor& probs, const Tensor& dprobs, const Tensor& dscores,
                          bool accumulate) {
  const int64_t width = probs.size(-1), rows = probs.numel() / std::max<int64_t>(width, 1);
  const double* pp = probs.data<double>();
  const double* pd = dprobs.data<double>();
  double* px = dscores.data<double>();
#pragma omp parallel for
  for (int64_t r = 0; r < rows; ++r) {
    const double* p = pp + r * width;
    const double* dp = pd + r * width;
    double* dx = px + r * width;
    double dot = 0.0;
    for (int64_t j = 0; j < width; ++j) dot += dp[j] * p[j];
    for (int64_t j = 0; j < width; ++j) {
      const double g = p[j] * (dp[j] - dot);
      dx[j] = accumulate ? dx[j] + g : g;
    }
  }
}

// ---- f32: the mask, before the backend's softmax ----

// probs = scores where the mask allows, -inf elsewhere (probs may alias scores).
void write_masked_f32(const Tensor& scores, const AttentionMask& mask, const Tensor& probs) {
  const int64_t B = scores.size(0), H = scores.size(1), tq = scores.size(2), tk = scores.size(3);
  const float* ps = scores.data<float>();
  float* pp = probs.data<float>();
  const float neg_inf = -std::numeric_limits<float>::infinity();
#pragma omp parallel for
  for (int64_t r = 0; r < B * H * tq; ++r) {
    const int64_t b = r / (H * tq), i = r % tq, n = valid_keys(mask, b, i, tq, tk);
    const float* s = ps + r * tk;
    float* p = pp + r * tk;
    if (p != s)
      for (int64_t j = 0; j < n; ++j) p[j] = s[j];
    for (int64_t j = n; j < tk; ++j) p[j] = neg_inf;
  }
}

void check_backward(const Tensor& probs, const Tensor& dprobs, const Tensor& dscores,
                    const char* op) {
  HAT_CHECK(probs.defined() && dprobs.defined() && dscores.defined(), op,
            ": probs, dprobs and dscores must be defined: ", probs.describe(), ", ",
            dprobs.describe(), ", ", dscores.describe());
  check_float(probs, op, "probs");
  HAT_CHECK(probs.dim() >= 1 && dprobs.shape() == probs.shape() &&
                dscores.shape() == probs.shape() && dprobs.dtype() == probs.dtype() &&
                dscores.dtype() == probs.dtype(),
            op, ": probs ", probs.describe(), ", dprobs ", dprobs.describe(), " and dscores ",
            dscores.describe(), " must have one shape and type");
  HAT_CHECK(probs.is_contiguous() && dprobs.is_contiguous() && dscores.is_contiguous(), op,
            ": needs dense tensors, got probs ", probs.describe(), ", dprobs ",
            dprobs.describe(), ", dscores ", dscores.describe());
}

}  // namespace

void masked_softmax_forward(const Tensor& scores, const AttentionMask& mask, Tensor& probs) {
  const char* op = "masked_softmax";
  HAT_CHECK(scores.defined() && scores.dim() == 4, op, ": scores must be 4-d [B, H, Tq, Tk], got ",
            scores.describe());
  check_float(scores, op, "scores");
  HAT_CHECK(scores.is_contiguous(), op, ": scores must be dense, got ", scores.describe());
  check_mask(mask, scores.size(0), scores.size(2), scores.size(3), op,
             str("scores ", scores.describe()));
  ensure_shape(probs, scores.shape(), scores.dtype(), op, "probs");
  HAT_CHECK(probs.is_contiguous(), op, ": probs must be dense, got ", probs.describe());
  if (scores.numel() == 0) return;
  if (scores.dtype() == DType::f64) return softmax_rows_f64(scores, mask, probs);
  const Kernels& backend = kernels(scores.device());
  if (mask.empty()) return backend.softmax_forward(scores, probs);
  write_masked_f32(scores, mask, probs);
  backend.softmax_forward(probs, probs);  // exp(-inf - max) = 0 exactly at the masked keys
}

void softmax_backward(const Tensor& probs, const Tensor& dprobs, const Tensor& dscores) {
  const char* op = "softmax_backward";
  check_backward(probs, dprobs, dscores, op);
  if (probs.numel() == 0) return;
  if (probs.dtype() == DType::f64) return softmax_backward_f64(probs, dprobs, dscores, true);
  // The kernel writes its result, so it goes through a temporary and is then added.
  Tensor grad = Tensor::zeros(probs.shape(), DType::f32, probs.device());
  kernels(probs.device()).softmax_backward(probs, dprobs, grad);
  add_into(dscores, grad, op);
}

void softmax_backward_overwrite(const Tensor& probs, const Tensor& dprobs, const Tensor& dscores) {
  const char* op = "softmax_backward";
  check_backward(probs, dprobs, dscores, op);
  if (probs.numel() == 0) return;
  if (probs.dtype() == DType::f64) return softmax_backward_f64(probs, dprobs, dscores, false);
  kernels(probs.device()).softmax_backward(probs, dprobs, dscores);
}

}  // namespace hat::ops
