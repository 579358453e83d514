// Layer normalisation over the last dimension with (sliced) affine parameters gamma[:d], beta[:d].
#pragma once

#include "devices/tensor.h"

namespace hat::ops {

// PyTorch's default epsilon.
inline constexpr double kLayerNormEps = 1e-5;

// What the forward keeps for the backward: per-row statistics of x (rows = numel / d).
struct LayerNormContext {
  Tensor mean;      // [rows], x's dtype
  Tensor variance;  // [rows], biased (divided by d), without eps
  double eps = 0;   // the forward's epsilon
};

// y = gamma * (x - mean) / sqrt(var + eps) + beta, statistics over the last dimension d.
// x: dense [..., d]; gamma, beta: [d] (views such as param.leading({d}); any stride).
// Fills ctx (reallocating its tensors when the row count changes).
void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps,
                        Tensor& y, LayerNormContext& ctx);

// With xhat = (x - mean) * rstd, rstd = 1 / sqrt(var + eps), per row:
//   dbeta  += sum_rows dy              dgamma += sum_rows dy * xhat
//   dx     += rstd * (g*dy - mean(g*dy) - xhat * mean(g*dy*xhat))   (means over the row)
// ctx must come from layer_norm_forward on this x. Undefined gradients are skipped.
void layer_norm_backward(const Tensor& x, const Tensor& gamma, const LayerNormContext& ctx,
                         const Tensor& dy, const Tensor& dx, const Tensor& dgamma,
                         const Tensor& dbeta);

// The same, but writing dx instead of adding into it (dgamma and dbeta are still added): the
// model's residual blocks take a fresh gradient buffer from each LayerNorm, so oneDNN writes its
// diff_src straight into it (no zeroing, no scratch, no extra pass). dx must be defined and must
// not alias dy or x.
void layer_norm_backward_write(const Tensor& x, const Tensor& gamma, const LayerNormContext& ctx,
                               const Tensor& dy, const Tensor& dx, const Tensor& dgamma,
                               const Tensor& dbeta);

}  // namespace hat::ops
