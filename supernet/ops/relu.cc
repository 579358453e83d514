// ReLU: checks, the f64 reference loops, and f32 through the tensor's backend
// (devices/kernels.h; oneDNN's eltwise_relu on the CPU, devices/cpu/relu_cpu.cc).
#include "supernet/ops/relu.h"

#include "devices/kernels.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

void relu_forward_f64(const Tensor& x, const Tensor& y) {
  const double* px = x.data<double>();
  double* py = y.data<double>();
  const int64_t n = x.numel();
#pragma omp parallel for
  for (int64_t i = 0; i < n; ++i) py[i] = px[i] > 0.0 ? px[i] : 0.0;
}

// dx += dy * [x > 0]  (the derivative of max(x, 0); 0 at the kink x == 0, as in PyTorch)
void relu_backward_f64(const Tensor& x, const Tensor& dy, const Tensor& dx) {
  const double* px = x.data<double>();
  const double* pdy = dy.data<double>();
  double* pdx = dx.data<double>();
  const int64_t n = x.numel();
#pragma omp parallel for
  for (int64_t i = 0; i < n; ++i)
    if (px[i] > 0.0) pdx[i] += pdy[i];
}

}  // namespace

void relu_forward(const Tensor& x, Tensor& y) {
  const Tensor xf = as_flat(x, "relu", "x");
  ensure_shape(y, x.shape(), x.dtype(), "relu", "y");
  const Tensor yf = as_flat(y, "relu", "y");
  if (x.numel() == 0) return;
  if (x.dtype() == DType::f32)
    kernels(x.device()).relu_forward(xf, yf);
  else
    relu_forward_f64(xf, yf);
}

void relu_backward(const Tensor& x_or_y, const Tensor& dy, const Tensor& dx) {
  const Tensor xf = as_flat(x_or_y, "relu_backward", "x");
  check_shape(dy, x_or_y.shape(), "relu_backward", "dy");
  HAT_CHECK(dy.dtype() == x_or_y.dtype(), "relu_backward: dy ", dy.describe(), " and x ",
            x_or_y.describe(), " differ in type");
  if (!dx.defined()) return;
  check_shape(dx, x_or_y.shape(), "relu_backward", "dx");
  HAT_CHECK(dx.dtype() == x_or_y.dtype(), "relu_backward: dx ", dx.describe(), " and x ",
            x_or_y.describe(), " differ in type");
  const Tensor dyf = as_flat(dy, "relu_backward", "dy"), dxf = as_flat(dx, "relu_backward", "dx");
  if (xf.numel() == 0) return;
  if (xf.dtype() == DType::f32)
    kernels(xf.device()).relu_backward(xf, dyf, dxf);
  else
    relu_backward_f64(xf, dyf, dxf);
}

}  // namespace hat::ops
