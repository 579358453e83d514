// General (batched) matrix multiply on strided views: the backbone of linear layers and
// attention. Transposes are stride views (Tensor::transpose), never copies.
#pragma once

#include "devices/tensor.h"

namespace hat {

// c = alpha * a @ b + beta * c   (+ bias broadcast over rows, only with alpha == 1)
//   a: [..., M, K]   b: [..., K, N]   c: [..., M, N]   bias: [N]
// Batch dimensions (up to two) must be equal. Any strides; f32 runs on oneDNN (primitive cached
// per shape and strides), f64 on a plain reference loop (used by the gradient checks).
void matmul(const Tensor& a, const Tensor& b, const Tensor& c, double alpha = 1.0,
            double beta = 0.0, const Tensor* bias = nullptr);

}  // namespace hat
