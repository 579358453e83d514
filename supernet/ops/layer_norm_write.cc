// Layer norm backward writing dx: oneDNN's layer_normalization_backward (f32) with diff_src
// bound to dx itself, a plain loop for f64 (the same maths as layer_norm.cc's).
#include "supernet/ops/layer_norm_write.h"

#include <cmath>
#include <vector>

#include "devices/cpu/dnnl_context.h"
#include "devices/threads.h"
#include "supernet/ops/rows.h"

namespace hat {

namespace {

constexpr const char* kOp = "layer_norm_backward_write";

const dnnl::normalization_flags kAffine =
    dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;

struct Entry {
  dnnl::memory::desc data, stat, param;
  dnnl::layer_normalization_backward primitive;
};

Entry primitive(int64_t rows, int64_t d, float eps) {
  static cpu::PrimitiveCache<Entry> cache;
  return cache.get({rows, d, cpu::float_bits(eps), num_threads()}, [&] {
    Entry e;
    e.data = cpu::memory_desc(Shape{rows, d}, Shape{d, 1}, DType::f32);
    e.stat = cpu::memory_desc(Shape{rows}, Shape{1}, DType::f32);
    e.param = cpu::memory_desc(Shape{d}, Shape{1}, DType::f32);
    const dnnl::layer_normalization_forward::primitive_desc hint(
        dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_training, e.data, e.stat,
                                                eps, kAffine),
        cpu::engine());
    // prop_kind::backward: oneDNN 2.6 has no backward_data with use_scale.
    e.primitive = dnnl::layer_normalization_backward(dnnl::layer_normalization_backward::primitive_desc(
        dnnl::layer_normalization_backward::desc(dnnl::prop_kind::backward, e.data, e.data, e.stat,
                                                 eps, kAffine),
        cpu::engine(), hint));
    return e;
  });
}

template <typename T>
void add_vector(const Tensor& p, const T* src) {
  if (!p.defined()) return;
  T* dst = p.data<T>();
  const int64_t n = p.size(0), stride = p.stride(0);
  for (int64_t i = 0; i < n; ++i) dst[i * stride] += src[i];
}

void backward_f32(const Tensor& x2, const Tensor& gamma, const LayerNormContext& ctx,
                  const Tensor& dy2, const Tensor& dx2, const Tensor& dgamma, const Tensor& dbeta) {
  const int64_t d = x2.size(1);
  const Entry& e = primitive(x2.size(0), d, static_cast<float>(ctx.eps));
  const Tensor g = gamma.stride(0) == 1 ? gamma : gamma.clone();
  std::vector<float> diff_scale(d), diff_shift(d), unused_shift(d, 0.0f);
  const auto scratch = [&](float* p) { return dnnl::memory(e.param, cpu::engine(), p); };
  e.primitive.execute(cpu::stream(), {{DNNL_ARG_SRC, cpu::memory(e.data, x2)},
                                      {DNNL_ARG_MEAN, cpu::memory(e.stat, ctx.mean)},
                                      {DNNL_ARG_VARIANCE, cpu::memory(e.stat, ctx.variance)},
                                      {DNNL_ARG_DIFF_DST, cpu::memory(e.data, dy2)},
                                      {DNNL_ARG_SCALE, cpu::memory(e.param, g)},
                                      {DNNL_ARG_SHIFT, scratch(unused_shift.data())},
                                      {DNNL_ARG_DIFF_SRC, cpu::memory(e.data, dx2)},
                                      {DNNL_ARG_DIFF_SCALE, scratch(diff_scale.data())},
                                      {DNNL_ARG_DIFF_SHIFT, scratch(diff_shift.data())}});
  cpu::stream().wait();
  add_vector<float>(dgamma, diff_scale.data());
  add_vector<float>(dbeta, diff_shift.data());
}

// Per row, with a = g * dy and xhat = (x - mean) rstd:
//   dx = rstd * (a - mean(a) - xhat * mean(a * xhat));  dgamma += dy xhat;  dbeta += dy
void backward_f64(const Tensor& x2, const Tensor& gamma, const LayerNormContext& ctx,
                  const Tensor& dy2, const Tensor& dx2, const Tensor& dgamma, const Tensor& dbeta) {
  const int64_t rows = x2.size(0), d = x2.size(1), gs = gamma.stride(0);
  const double *px = x2.data<double>(), *pg = gamma.data<double>(), *pdy = dy2.data<double>();
  const double *pm = ctx.mean.data<double>(), *pv = ctx.variance.data<double>();
  double* pdx = dx2.data<double>();
  std::vector<double> sum_g(d, 0.0), sum_b(d, 0.0), xhat(d);
  for (int64_t r = 0; r < rows; ++r) {  // serial: f64 is the checking path
    const double rstd = 1.0 / std::sqrt(pv[r] + ctx.eps);
    const double* xr = px + r * d;
    const double* dyr = pdy + r * d;
    double mean_a = 0, mean_ax = 0;
    for (int64_t c = 0; c < d; ++c) {
      xhat[c] = (xr[c] - pm[r]) * rstd;
      const double a = pg[c * gs] * dyr[c];
      mean_a += a;
      mean_ax += a * xhat[c];
      sum_g[c] += dyr[c] * xhat[c];
      sum_b[c] += dyr[c];
    }
    mean_a /= d;
    mean_ax /= d;
    for (int64_t c = 0; c < d; ++c)
      pdx[r * d + c] = rstd * (pg[c * gs] * dyr[c] - mean_a - xhat[c] * mean_ax);
  }
  add_vector<double>(dgamma, sum_g.data());
  add_vector<double>(dbeta, sum_b.data());
}

void check_vector(const Tensor& p, int64_t d, const Tensor& x, const char* name) {
  HAT_CHECK(p.defined() && p.dim() == 1 && p.size(0) == d && p.dtype() == x.dtype(), kOp, ": ",
            name, " ", p.describe(), " does not match x ", x.describe());
}

}  // namespace

void layer_norm_backward_write(const Tensor& x, const Tensor& gamma, const LayerNormContext& ctx,
                               const Tensor& dy, const Tensor& dx, const Tensor& dgamma,
                               const Tensor& dbeta) {
  const Tensor x2 = as_rows(x, kOp, "x");
  HAT_CHECK(x.dtype() == DType::f32 || x.dtype() == DType::f64, kOp,
            ": x must be f32 or f64, got ", x.describe());
  const int64_t rows = x2.size(0), d = x2.size(1);
  check_vector(gamma, d, x, "gamma");
  if (dgamma.defined()) check_vector(dgamma, d, x, "dgamma");
  if (dbeta.defined()) check_vector(dbeta, d, x, "dbeta");
  HAT_CHECK(ctx.eps > 0 && ctx.mean.defined() && ctx.mean.shape() == Shape{rows} &&
                ctx.variance.defined() && ctx.variance.shape() == Shape{rows} &&
                ctx.mean.dtype() == x.dtype(),
            kOp, ": the context does not come from a forward on x ", x.describe());
  check_shape(dy, x.shape(), kOp, "dy");
  check_shape(dx, x.shape(), kOp, "dx");
  HAT_CHECK(dy.dtype() == x.dtype() && dx.dtype() == x.dtype(), kOp, ": dy ", dy.describe(),
            ", dx ", dx.describe(), " and x ", x.describe(), " differ in type");
  HAT_CHECK(dx.raw() != dy.raw() && dx.raw() != x.raw(), kOp, ": dx must not alias dy or x");
  const Tensor dy2 = as_rows(dy, kOp, "dy"), dx2 = as_rows(dx, kOp, "dx");
  if (rows == 0) return;
  try {
    if (x.dtype() == DType::f32)
      backward_f32(x2, gamma, ctx, dy2, dx2, dgamma, dbeta);
    else
      backward_f64(x2, gamma, ctx, dy2, dx2, dgamma, dbeta);
  } catch (const dnnl::error& e) {
    cpu::rethrow_dnnl(kOp, e);
  }
}

}  // namespace hat
