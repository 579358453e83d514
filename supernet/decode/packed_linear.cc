#include "supernet/decode/packed_linear.h"

namespace hat::decode {

PackedLinear PackedLinear::pack(const Tensor& weight, const Tensor* bias) {
  HAT_CHECK(weight.defined() && weight.dim() == 2, "PackedLinear: weight must be 2-D, got ",
            weight.defined() ? weight.describe() : std::string("undefined"));
  PackedLinear p;
  p.weight_t = PackedMatrix::pack(weight.transpose(0, 1));
  if (bias) {
    HAT_CHECK(bias->dim() == 1 && bias->size(0) == weight.size(0), "PackedLinear: bias ",
              bias->describe(), " for weight ", weight.describe());
    p.bias = *bias;
  }
  return p;
}

void packed_project(const Tensor& x, const PackedLinear& linear, const Tensor& y) {
  matmul_packed(x, linear.weight_t, y, linear.bias.defined() ? &linear.bias : nullptr);
}

}  // namespace hat::decode
