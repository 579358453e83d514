// Linear layer on (sliced) weights: y = x W^T + b, W stored [out, in] as in PyTorch.
#pragma once

#include "devices/tensor.h"

namespace hat::ops {

// y[n, :] = x[n, :] W^T + b        x: [..., in], W: [out, in] (any row stride), b: [out] or none
void linear_forward(const Tensor& x, const Tensor& weight, const Tensor* bias, Tensor& y);

// dx += dy W        dW += dy^T x        db += sum_n dy[n, :]
// Each gradient may be undefined (skipped); dW and db are views like W and b.
void linear_backward(const Tensor& x, const Tensor& weight, const Tensor& dy, const Tensor& dx,
                     const Tensor& dweight, const Tensor& dbias);

}  // namespace hat::ops
