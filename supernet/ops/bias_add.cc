#include "supernet/ops/bias_add.h"

#include <algorithm>

#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

void check_bias(const Tensor& bias, int64_t width, const char* op) {
  HAT_CHECK(bias.defined() && bias.dim() == 1 && bias.size(0) == width, op, ": bias ",
            bias.describe(), " does not match width ", width);
}

template <typename T>
void bias_add_rows(const Tensor& x, const Tensor& bias, const Tensor& y) {
  const int64_t rows = x.size(0), width = x.size(1), bstride = bias.stride(0);
  const T* px = x.data<T>();
  const T* pb = bias.data<T>();
  T* py = y.data<T>();
#pragma omp parallel for
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < width; ++c) py[r * width + c] = px[r * width + c] + pb[c * bstride];
}

// Column sums of dy added into db; oneDNN's reduction cannot accumulate into a strided slice
// of the gradient buffer, so this is our own loop. Threads own blocks of columns and add rows
// in order, so the result is the same bit for bit with any thread count.
template <typename T>
void column_sums_into(const Tensor& dy, const Tensor& dbias) {
  constexpr int64_t kBlock = 64;
  const int64_t rows = dy.size(0), width = dy.size(1), bstride = dbias.stride(0);
  const T* pdy = dy.data<T>();
  T* pdb = dbias.data<T>();
  const int64_t blocks = (width + kBlock - 1) / kBlock;
#pragma omp parallel for
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t begin = b * kBlock, end = std::min(width, begin + kBlock);
    T sums[kBlock] = {};
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = begin; c < end; ++c) sums[c - begin] += pdy[r * width + c];
    for (int64_t c = begin; c < end; ++c) pdb[c * bstride] += sums[c - begin];
  }
}

}  // namespace

void bias_add_forward(const Tensor& x, const Tensor& bias, Tensor& y) {
  const Tensor x2 = as_rows(x, "bias_add", "x");
  check_bias(bias, x2.size(1), "bias_add");
  HAT_CHECK(bias.dtype() == x.dtype(), "bias_add: bias ", bias.describe(), " and x ",
            x.describe(), " differ in type");
  ensure_shape(y, x.shape(), x.dtype(), "bias_add", "y");
  const Tensor y2 = as_rows(y, "bias_add", "y");
  if (x.dtype() == DType::f32)
    bias_add_rows<float>(x2, bias, y2);
  else
    bias_add_rows<double>(x2, bias, y2);
}

void accumulate_bias_grad(const Tensor& dy2d, const Tensor& dbias, const char* op) {
  check_bias(dbias, dy2d.size(1), op);
  HAT_CHECK(dbias.dtype() == dy2d.dtype(), op, ": bias gradient ", dbias.describe(),
            " and dy ", dy2d.describe(), " differ in type");
  if (dy2d.dtype() == DType::f32)
    column_sums_into<float>(dy2d, dbias);
  else
    column_sums_into<double>(dy2d, dbias);
}

void bias_add_backward(const Tensor& dy, const Tensor& dx, const Tensor& dbias) {
  const Tensor dy2 = as_rows(dy, "bias_add_backward", "dy");
  if (dx.defined()) add_into(dx, dy, "bias_add_backward");
  if (dbias.defined()) accumulate_bias_grad(dy2, dbias, "bias_add_backward");
}

}  // namespace hat::ops
