// ReLU: oneDNN eltwise_relu for f32, plain loops for f64.
#include "supernet/ops/relu.h"

#include <memory>

#include "devices/cpu/dnnl_context.h"
#include "devices/threads.h"
#include "supernet/ops/rows.h"

namespace hat {

namespace {

struct ReluForward {
  dnnl::eltwise_forward::primitive_desc pd;
  dnnl::eltwise_forward primitive;
};
struct ReluBackward {
  dnnl::eltwise_backward primitive;
};

dnnl::memory::desc flat_desc(int64_t n) {
  return cpu::memory_desc(Shape{n}, Shape{1}, DType::f32);
}

dnnl::eltwise_forward::primitive_desc forward_pd(int64_t n) {
  const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_training,
                                         dnnl::algorithm::eltwise_relu, flat_desc(n), 0.0f);
  return dnnl::eltwise_forward::primitive_desc(desc, cpu::engine());
}

ReluForward forward_primitive(int64_t n) {
  static cpu::PrimitiveCache<ReluForward> cache;
  return cache.get({n, num_threads()}, [&] {
    ReluForward p{forward_pd(n), {}};
    p.primitive = dnnl::eltwise_forward(p.pd);
    return p;
  });
}

ReluBackward backward_primitive(int64_t n) {
  static cpu::PrimitiveCache<ReluBackward> cache;
  return cache.get({n, num_threads()}, [&] {
    const dnnl::eltwise_backward::desc desc(dnnl::algorithm::eltwise_relu, flat_desc(n),
                                            flat_desc(n), 0.0f);
    return ReluBackward{dnnl::eltwise_backward(
        dnnl::eltwise_backward::primitive_desc(desc, cpu::engine(), forward_pd(n)))};
  });
}

void relu_forward_f32(const Tensor& x, const Tensor& y) {
  const int64_t n = x.numel();
  const dnnl::memory::desc md = flat_desc(n);
  forward_primitive(n).primitive.execute(
      cpu::stream(), {{DNNL_ARG_SRC, cpu::memory(md, x)}, {DNNL_ARG_DST, cpu::memory(md, y)}});
  cpu::stream().wait();
}

// oneDNN's backward writes diff_src; we need dx += ..., so it writes into an uninitialised
// scratch buffer that is then added into dx.
void relu_backward_f32(const Tensor& x, const Tensor& dy, const Tensor& dx) {
  const int64_t n = x.numel();
  const dnnl::memory::desc md = flat_desc(n);
  std::unique_ptr<float[]> scratch(new float[n]);
  backward_primitive(n).primitive.execute(
      cpu::stream(), {{DNNL_ARG_SRC, cpu::memory(md, x)},
                      {DNNL_ARG_DIFF_DST, cpu::memory(md, dy)},
                      {DNNL_ARG_DIFF_SRC, dnnl::memory(md, cpu::engine(), scratch.get())}});
  cpu::stream().wait();
  const float* s = scratch.get();
  float* d = dx.data<float>();
#pragma omp parallel for
  for (int64_t i = 0; i < n; ++i) d[i] += s[i];
}

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
  try {
    if (x.dtype() == DType::f32)
      relu_forward_f32(xf, yf);
    else
      relu_forward_f64(xf, yf);
  } catch (const dnnl::error& e) {
    cpu::rethrow_dnnl("relu", e);
  }
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
  try {
    if (xf.dtype() == DType::f32)
      relu_backward_f32(xf, dyf, dxf);
    else
      relu_backward_f64(xf, dyf, dxf);
  } catch (const dnnl::error& e) {
    cpu::rethrow_dnnl("relu_backward", e);
  }
}

}  // namespace hat
