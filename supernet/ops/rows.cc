#include "supernet/ops/rows.h"

namespace hat::ops {

Tensor as_rows(const Tensor& x, const char* op, const char* name) {
  HAT_CHECK(x.defined(), op, ": ", name, " is undefined");
  HAT_CHECK(x.dim() >= 1, op, ": ", name, " needs at least one dimension, got ", x.describe());
  HAT_CHECK(x.is_contiguous(), op, ": ", name, " must be dense, got ", x.describe());
  return x.reshape({-1, x.size(-1)});
}

Tensor as_flat(const Tensor& x, const char* op, const char* name) {
  HAT_CHECK(x.defined(), op, ": ", name, " is undefined");
  HAT_CHECK(x.is_contiguous(), op, ": ", name, " must be dense, got ", x.describe());
  HAT_CHECK(x.dtype() != DType::i32, op, ": ", name, " must be floating, got ", x.describe());
  return x.reshape({x.numel()});
}

Shape with_last_dim(const Shape& shape, int64_t width) {
  Shape out = shape;
  out.back() = width;
  return out;
}

namespace {
template <typename T>
void add_rows(const Tensor& dst, const Tensor& src) {
  // Both viewed as [rows, width] with arbitrary row strides (the last stride is 1 for dense
  // activations and parameter slices alike).
  const int64_t width = dst.size(-1);
  const int64_t rows = dst.numel() / std::max<int64_t>(width, 1);
  const int64_t dst_row = dst.dim() > 1 ? dst.stride(-2) : width;
  const int64_t src_row = src.dim() > 1 ? src.stride(-2) : width;
  T* d = dst.data<T>();
  const T* s = src.data<T>();
#pragma omp parallel for
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < width; ++c) d[r * dst_row + c] += s[r * src_row + c];
}
}  // namespace

void add_into(const Tensor& dst, const Tensor& src, const char* op) {
  HAT_CHECK(dst.shape() == src.shape() && dst.dtype() == src.dtype(), op, ": cannot add ",
            src.describe(), " into ", dst.describe());
  const bool rows_ok = dst.dim() <= 2 && src.dim() <= 2 &&
                       (dst.dim() == 0 || (dst.stride(-1) == 1 && src.stride(-1) == 1));
  Tensor d = dst, s = src;
  if (!rows_ok) {
    HAT_CHECK(dst.is_contiguous() && src.is_contiguous(), op, ": cannot add ", src.describe(),
              " into ", dst.describe(), " (needs dense or 2-d row-strided tensors)");
    d = dst.reshape({-1});
    s = src.reshape({-1});
  }
  if (dst.dtype() == DType::f32)
    add_rows<float>(d, s);
  else
    add_rows<double>(d, s);
}

}  // namespace hat::ops
