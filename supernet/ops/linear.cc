#include "supernet/ops/linear.h"

#include "devices/matmul.h"
#include "supernet/ops/bias_add.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

void check_weight(const Tensor& x2, const Tensor& weight, const char* op) {
  HAT_CHECK(weight.defined() && weight.dim() == 2, op, ": weight must be 2-d [out, in], got ",
            weight.describe());
  HAT_CHECK(weight.size(1) == x2.size(1), op, ": x has width ", x2.size(1), " but weight is ",
            weight.describe(), " (expected [out, ", x2.size(1), "])");
  HAT_CHECK(weight.dtype() == x2.dtype(), op, ": x is ", dtype_name(x2.dtype()), ", weight is ",
            dtype_name(weight.dtype()));
}

}  // namespace

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor* bias, Tensor& y) {
  const Tensor x2 = as_rows(x, "linear", "x");
  check_weight(x2, weight, "linear");
  const int64_t out = weight.size(0);
  if (bias)
    HAT_CHECK(bias->defined() && bias->dim() == 1 && bias->size(0) == out, "linear: bias ",
              bias->describe(), " does not match weight ", weight.describe());
  ensure_shape(y, with_last_dim(x.shape(), out), x.dtype(), "linear", "y");
  // y = x W^T: W^T is a stride view of the (possibly sliced) weight.
  matmul(x2, weight.transpose(0, 1), as_rows(y, "linear", "y"), 1.0, 0.0, bias);
}

void linear_backward(const Tensor& x, const Tensor& weight, const Tensor& dy, const Tensor& dx,
                     const Tensor& dweight, const Tensor& dbias) {
  const Tensor x2 = as_rows(x, "linear_backward", "x");
  check_weight(x2, weight, "linear_backward");
  check_shape(dy, with_last_dim(x.shape(), weight.size(0)), "linear_backward", "dy");
  const Tensor dy2 = as_rows(dy, "linear_backward", "dy");
  if (dx.defined()) {  // dx += dy W
    check_shape(dx, x.shape(), "linear_backward", "dx");
    matmul(dy2, weight, as_rows(dx, "linear_backward", "dx"), 1.0, 1.0);
  }
  if (dweight.defined()) {  // dW += dy^T x, written through the slice's strides
    check_shape(dweight, weight.shape(), "linear_backward", "dweight");
    matmul(dy2.transpose(0, 1), x2, dweight, 1.0, 1.0);
  }
  if (dbias.defined()) accumulate_bias_grad(dy2, dbias, "linear_backward");  // db += sum_n dy
}

}  // namespace hat::ops
