// Linear projections on sliced weights as the model's layers use them: straight onto matmul,
// so that outputs and gradients can be strided column blocks of a fused buffer and the first
// gradient contribution is written rather than added into a zeroed buffer.
#pragma once

#include "devices/tensor.h"

namespace hat::model {

// y = x W^T (+ b)          x: [N, in], W: [out, in], y: [N, out]; rows of x and y may be strided.
void project(const Tensor& x, const Tensor& weight, const Tensor* bias, const Tensor& y);

// dx = dy W  (accumulate: dx += dy W)
void project_backward_input(const Tensor& dy, const Tensor& weight, const Tensor& dx,
                            bool accumulate);

// dW += dy^T x        db += 1^T dy   (ones: [1, >= N] of 1s; dW or db may be undefined)
// Column sums as a matmul with a ones row: deterministic for a given thread count.
void project_backward_params(const Tensor& x, const Tensor& dy, const Tensor& dweight,
                             const Tensor& dbias, const Tensor& ones);

}  // namespace hat::model
