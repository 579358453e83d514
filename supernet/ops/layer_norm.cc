// Layer norm: shape checks, the f64 reference loops, and dispatch of f32 to the tensor's
// backend (devices/kernels.h; on the CPU, oneDNN in devices/cpu/layer_norm_cpu.cc).
#include "supernet/ops/layer_norm.h"

#include <omp.h>

#include <cmath>
#include <vector>

#include "devices/kernels.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

void check_param(const Tensor& p, const Tensor& x, int64_t d, const char* op, const char* name) {
  HAT_CHECK(p.defined() && p.dim() == 1 && p.size(0) == d, op, ": ", name, " ",
            p.defined() ? p.describe() : std::string("(undefined)"), " does not match x ",
            x.describe(), " (expected [", d, "])");
  HAT_CHECK(p.dtype() == x.dtype(), op, ": ", name, " ", p.describe(), " and x ", x.describe(),
            " differ in type");
}

// p[i * stride] += src[i]: adds a dense scratch vector into a (strided) parameter gradient.
void add_vector(const Tensor& p, const double* src) {
  double* dst = p.data<double>();
  const int64_t n = p.size(0), stride = p.stride(0);
  for (int64_t i = 0; i < n; ++i) dst[i * stride] += src[i];
}

// ---------------- f64: plain loops ----------------

void forward_f64(const Tensor& x2, const Tensor& gamma, const Tensor& beta, double eps,
                 const Tensor& y2, const LayerNormContext& ctx) {
  const int64_t rows = x2.size(0), d = x2.size(1), gs = gamma.stride(0), bs = beta.stride(0);
  const double *px = x2.data<double>(), *pg = gamma.data<double>(), *pb = beta.data<double>();
  double *py = y2.data<double>(), *pm = ctx.mean.data<double>(), *pv = ctx.variance.data<double>();
#pragma omp parallel for
  for (int64_t r = 0; r < rows; ++r) {
    const double* xr = px + r * d;
    double mean = 0, var = 0;
    for (int64_t c = 0; c < d; ++c) mean += xr[c];
    mean /= d;
    for (int64_t c = 0; c < d; ++c) var += (xr[c] - mean) * (xr[c] - mean);
    var /= d;
    const double rstd = 1.0 / std::sqrt(var + eps);
    for (int64_t c = 0; c < d; ++c) py[r * d + c] = pg[c * gs] * (xr[c] - mean) * rstd + pb[c * bs];
    pm[r] = mean;
    pv[r] = var;
  }
}

// y = g * xhat + b with xhat = (x - mu) * rstd. Per row, with a = g * dy:
//   dxhat = a;  dx = rstd * (a - mean(a) - xhat * mean(a * xhat))
// (the two means are the gradients flowing through mu and through var).
void backward_f64(const Tensor& x2, const Tensor& gamma, const LayerNormContext& ctx,
                  const Tensor& dy2, const Tensor& dx2, const Tensor& dgamma, const Tensor& dbeta,
                  bool write_dx) {
  const int64_t rows = x2.size(0), d = x2.size(1), gs = gamma.stride(0);
  const double *px = x2.data<double>(), *pg = gamma.data<double>(), *pdy = dy2.data<double>();
  const double *pm = ctx.mean.data<double>(), *pv = ctx.variance.data<double>();
  double* pdx = dx2.defined() ? dx2.data<double>() : nullptr;
  const bool params = dgamma.defined() || dbeta.defined();
  // Each thread sums its rows' dgamma/dbeta apart; the parts are added in thread order after
  // the loop, so the result does not depend on which thread finishes first.
  std::vector<std::vector<double>> parts_g(omp_get_max_threads()), parts_b(omp_get_max_threads());
#pragma omp parallel
  {
    std::vector<double> xhat(d);
    std::vector<double>& part_g = parts_g[omp_get_thread_num()];
    std::vector<double>& part_b = parts_b[omp_get_thread_num()];
    part_g.assign(params ? d : 0, 0.0);
    part_b.assign(params ? d : 0, 0.0);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const double rstd = 1.0 / std::sqrt(pv[r] + ctx.eps);
      const double* xr = px + r * d;
      const double* dyr = pdy + r * d;
      double mean_a = 0, mean_ax = 0;
      for (int64_t c = 0; c < d; ++c) {
        xhat[c] = (xr[c] - pm[r]) * rstd;
        const double a = pg[c * gs] * dyr[c];
        mean_a += a;
        mean_ax += a * xhat[c];
      }
      mean_a /= d;
      mean_ax /= d;
      if (pdx)
        for (int64_t c = 0; c < d; ++c) {
          const double g = rstd * (pg[c * gs] * dyr[c] - mean_a - xhat[c] * mean_ax);
          pdx[r * d + c] = write_dx ? g : pdx[r * d + c] + g;
        }
      if (params)
        for (int64_t c = 0; c < d; ++c) {
          part_g[c] += dyr[c] * xhat[c];  // dgamma += dy * xhat
          part_b[c] += dyr[c];            // dbeta  += dy
        }
    }
  }
  if (params)
    for (size_t t = 0; t < parts_g.size(); ++t) {
      if (parts_g[t].empty()) continue;  // a thread the runtime did not start
      if (dgamma.defined()) add_vector(dgamma, parts_g[t].data());
      if (dbeta.defined()) add_vector(dbeta, parts_b[t].data());
    }
}

void ensure_stat(Tensor& t, int64_t rows, DType dtype) {
  if (!t.defined() || t.shape() != Shape{rows} || t.dtype() != dtype || !t.is_contiguous())
    t = Tensor::zeros({rows}, dtype);
}

}  // namespace

void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps,
                        Tensor& y, LayerNormContext& ctx) {
  const Tensor x2 = as_rows(x, "layer_norm", "x");
  HAT_CHECK(x.dtype() != DType::i32, "layer_norm: x must be floating, got ", x.describe());
  const int64_t rows = x2.size(0), d = x2.size(1);
  HAT_CHECK(d > 0, "layer_norm: x ", x.describe(), " has an empty last dimension");
  check_param(gamma, x, d, "layer_norm", "gamma");
  check_param(beta, x, d, "layer_norm", "beta");
  HAT_CHECK(eps > 0 && std::isfinite(eps), "layer_norm: eps = ", eps, " must be positive (x ",
            x.describe(), ")");
  ensure_shape(y, x.shape(), x.dtype(), "layer_norm", "y");
  const Tensor y2 = as_rows(y, "layer_norm", "y");
  ensure_stat(ctx.mean, rows, x.dtype());
  ensure_stat(ctx.variance, rows, x.dtype());
  ctx.eps = eps;
  if (rows == 0) return;
  if (x.dtype() == DType::f32)
    kernels(x.device())
        .layer_norm_forward(x2, gamma, beta, static_cast<float>(eps), y2, ctx.mean, ctx.variance);
  else
    forward_f64(x2, gamma, beta, eps, y2, ctx);
}

namespace {

// Both backward entry points: checks, then the f32 or f64 kernel; `write_dx` selects dx = ...
// (dx must then not alias x or dy) over dx += ....
void layer_norm_backward_impl(const char* op, const Tensor& x, const Tensor& gamma,
                              const LayerNormContext& ctx, const Tensor& dy, const Tensor& dx,
                              const Tensor& dgamma, const Tensor& dbeta, bool write_dx) {
  const Tensor x2 = as_rows(x, op, "x");
  HAT_CHECK(x.dtype() != DType::i32, op, ": x must be floating, got ", x.describe());
  const int64_t rows = x2.size(0), d = x2.size(1);
  check_param(gamma, x, d, op, "gamma");
  HAT_CHECK(ctx.eps > 0 && ctx.mean.defined() && ctx.variance.defined() &&
                ctx.mean.shape() == Shape{rows} && ctx.variance.shape() == Shape{rows} &&
                ctx.mean.dtype() == x.dtype() && ctx.variance.dtype() == x.dtype(),
            op, ": the context does not come from a forward on x ", x.describe(), " (mean ",
            ctx.mean.defined() ? ctx.mean.describe() : std::string("undefined"), ")");
  check_shape(dy, x.shape(), op, "dy");
  HAT_CHECK(dy.dtype() == x.dtype(), op, ": dy ", dy.describe(), " and x ", x.describe(),
            " differ in type");
  const Tensor dy2 = as_rows(dy, op, "dy");
  Tensor dx2;
  if (dx.defined()) {
    check_shape(dx, x.shape(), op, "dx");
    HAT_CHECK(dx.dtype() == x.dtype(), op, ": dx ", dx.describe(), " and x ", x.describe(),
              " differ in type");
    HAT_CHECK(!write_dx || (dx.raw() != dy.raw() && dx.raw() != x.raw()), op,
              ": dx must not alias dy or x");
    dx2 = as_rows(dx, op, "dx");
  }
  if (dgamma.defined()) check_param(dgamma, x, d, op, "dgamma");
  if (dbeta.defined()) check_param(dbeta, x, d, op, "dbeta");
  if (rows == 0 || (!dx.defined() && !dgamma.defined() && !dbeta.defined())) return;
  if (x.dtype() == DType::f32)
    kernels(x.device())
        .layer_norm_backward(x2, gamma, ctx.mean, ctx.variance, static_cast<float>(ctx.eps), dy2,
                             dx2, dgamma, dbeta, write_dx);
  else
    backward_f64(x2, gamma, ctx, dy2, dx2, dgamma, dbeta, write_dx);
}

}  // namespace

void layer_norm_backward(const Tensor& x, const Tensor& gamma, const LayerNormContext& ctx,
                         const Tensor& dy, const Tensor& dx, const Tensor& dgamma,
                         const Tensor& dbeta) {
  layer_norm_backward_impl("layer_norm_backward", x, gamma, ctx, dy, dx, dgamma, dbeta, false);
}

void layer_norm_backward_write(const Tensor& x, const Tensor& gamma, const LayerNormContext& ctx,
                               const Tensor& dy, const Tensor& dx, const Tensor& dgamma,
                               const Tensor& dbeta) {
  HAT_CHECK(dx.defined(), "layer_norm_backward_write: dx is undefined");
  layer_norm_backward_impl("layer_norm_backward_write", x, gamma, ctx, dy, dx, dgamma, dbeta, true);
}

}  // namespace hat::ops
