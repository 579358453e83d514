// Element-wise steps of a post-LayerNorm Transformer layer as single passes: dropout (the
// mask of dropout_forward, vectorised), the residual add after dropout, and the ReLU +
// activation-dropout backward, in place. The dropout hash runs on AVX-512 where the CPU has it
// (64-bit multiplies per lane), and on plain loops elsewhere, with identical masks.
#pragma once

#include <cstdint>

#include "devices/tensor.h"

namespace hat::ops {

// y = dropout(x): y[i] = x[i] / (1 - p) if dropout_keeps(seed, i, p), else 0: the same mask and
// values as dropout_forward. x, y dense, one shape and type; y may alias x. Written, not added.
// Since dropout with a fixed seed is y = D x (D diagonal), this is also its backward: dx = D dy.
void dropout_apply(const Tensor& x, double p, uint64_t seed, const Tensor& y);

// y = residual + dropout(x)   (same mask). x, residual, y: dense, one shape and type; y may
// alias x or residual. Backward: d residual = dy, dx = dropout(dy) (dropout_apply).
void dropout_add_forward(const Tensor& x, double p, uint64_t seed, const Tensor& residual,
                         const Tensor& y);

// In place, for y = dropout(relu(x)) with dropout probability p (0: none):
//   d[i] = y[i] > 0 ? d[i] / (1 - p) : 0
// which is dL/dx from d = dL/dy: y[i] > 0 exactly where the element was kept and x[i] > 0, and
// the derivative there is 1 / (1 - p) (0 elsewhere, as PyTorch takes ReLU's at 0).
void relu_dropout_backward_inplace(const Tensor& y, double p, const Tensor& d);

}  // namespace hat::ops
