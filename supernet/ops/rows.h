// Views of activations as 2-d [rows, width] matrices, shared by the ops.
#pragma once

#include "devices/tensor.h"

namespace hat::ops {

// x: [..., width], dense  ->  [rows, width] view.
Tensor as_rows(const Tensor& x, const char* op, const char* name);
// x: dense floating tensor of any shape  ->  [numel] view (for element-wise ops).
Tensor as_flat(const Tensor& x, const char* op, const char* name);
// The shape of x with its last dimension replaced.
Shape with_last_dim(const Shape& shape, int64_t width);

// Adds src into dst element-wise (same shape, dense or strided): dst += src.
void add_into(const Tensor& dst, const Tensor& src, const char* op);

}  // namespace hat::ops
