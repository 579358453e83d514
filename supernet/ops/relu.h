// ReLU activation: y = max(x, 0), forward and backward.
#pragma once

#include "devices/tensor.h"

namespace hat::ops {

// y = max(x, 0)        x: dense, any shape; y may alias x (in place).
void relu_forward(const Tensor& x, Tensor& y);

// dx += dy * [x > 0]. Since y > 0 exactly where x > 0, either x or the forward output y may be
// passed as `x_or_y` (pass y when x was overwritten in place). An undefined dx is skipped.
void relu_backward(const Tensor& x_or_y, const Tensor& dy, const Tensor& dx);

}  // namespace hat::ops
