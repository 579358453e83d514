// A linear layer's weight, copied once for decoding as W^T in the CPU kernel's own layout.
//
// Why: a decoder step multiplies a handful of rows (the beams) by every weight, so it is bound
// by reading the weights. The model keeps W as [out, in] slices of the SuperTransformer's
// matrices; x W^T then reads W through a strided view, which oneDNN re-packs on every call
// (measured on this machine, 5 x 256 -> 8000: 0.60 ms through the view, 0.31 ms on a packed
// copy). Packing the SubTransformer's weights once per decoder (devices/packed_matmul.h) makes
// every step stream each weight once.
#pragma once

#include "devices/packed_matmul.h"
#include "devices/tensor.h"

namespace hat::decode {

struct PackedLinear {
  PackedMatrix weight_t;  // W^T: [in, out]
  Tensor bias;      // [out] (a view of the model's bias), or undefined

  // Copies W ([out, in], any strides) transposed; keeps a view of `bias` when given.
  static PackedLinear pack(const Tensor& weight, const Tensor* bias);
  int64_t in() const { return weight_t.rows(); }
  int64_t out() const { return weight_t.cols(); }
};

// y = x W^T (+ b) on the packed weight; x: [N, in], y: [N, out] (rows may be strided).
void packed_project(const Tensor& x, const PackedLinear& linear, const Tensor& y);

}  // namespace hat::decode
