// Bias broadcast over rows: y = x + b.
#pragma once

#include "devices/tensor.h"

namespace hat::ops {

// y[n, :] = x[n, :] + b      x: [..., width], b: [width]; y may alias x (in place).
void bias_add_forward(const Tensor& x, const Tensor& bias, Tensor& y);

// dx += dy        db += sum_n dy[n, :]
void bias_add_backward(const Tensor& dy, const Tensor& dx, const Tensor& dbias);

// db += sum_n dy[n, :] (the bias gradient alone, also used by linear_backward).
void accumulate_bias_grad(const Tensor& dy2d, const Tensor& dbias, const char* op);

}  // namespace hat::ops
