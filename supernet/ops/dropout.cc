// Dropout: own kernels (oneDNN 2.6 has no dropout primitive), one pass, parallel over elements.
#include "supernet/ops/dropout.h"

#include "devices/random.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

inline double uniform_from(uint64_t key, int64_t index) {
  const uint64_t h = mix64(key + (static_cast<uint64_t>(index) + 1) * kGoldenGamma);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

void check_p(double p, const char* op, const Tensor& t) {
  HAT_CHECK(p >= 0.0 && p < 1.0, op, ": probability p = ", p, " must be in [0, 1) (tensor ",
            t.describe(), ")");
}

// out[i] (+)= in[i] * scale where kept, else (+)0. ACCUMULATE selects backward's "+=".
template <typename T, bool ACCUMULATE>
void apply_mask(const Tensor& in, double p, uint64_t seed, const Tensor& out) {
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  const int64_t n = in.numel();
  const T scale = static_cast<T>(1.0 / (1.0 - p));
  const uint64_t key = mix64(seed);
#pragma omp parallel for
  for (int64_t i = 0; i < n; ++i) {
    const bool keep = uniform_from(key, i) >= p;
    if constexpr (ACCUMULATE) {
      if (keep) dst[i] += src[i] * scale;
    } else {
      dst[i] = keep ? src[i] * scale : T(0);
    }
  }
}

}  // namespace

double dropout_uniform(uint64_t seed, int64_t index) { return uniform_from(mix64(seed), index); }

void dropout_forward(const Tensor& x, double p, uint64_t seed, Tensor& y) {
  const Tensor xf = as_flat(x, "dropout", "x");
  check_p(p, "dropout", x);
  ensure_shape(y, x.shape(), x.dtype(), "dropout", "y");
  const Tensor yf = as_flat(y, "dropout", "y");
  if (p == 0.0) {  // identity
    if (yf.raw() != xf.raw()) yf.copy_from(xf);
    return;
  }
  if (x.dtype() == DType::f32)
    apply_mask<float, false>(xf, p, seed, yf);
  else
    apply_mask<double, false>(xf, p, seed, yf);
}

// y = D x with D = diag(keep_i / (1 - p))  =>  dL/dx = D dL/dy, so dx += D dy.
void dropout_backward(const Tensor& dy, double p, uint64_t seed, const Tensor& dx) {
  const Tensor dyf = as_flat(dy, "dropout_backward", "dy");
  check_p(p, "dropout_backward", dy);
  if (!dx.defined()) return;
  check_shape(dx, dy.shape(), "dropout_backward", "dx");
  HAT_CHECK(dx.dtype() == dy.dtype(), "dropout_backward: dx ", dx.describe(), " and dy ",
            dy.describe(), " differ in type");
  const Tensor dxf = as_flat(dx, "dropout_backward", "dx");
  if (dy.dtype() == DType::f32)
    apply_mask<float, true>(dyf, p, seed, dxf);
  else
    apply_mask<double, true>(dyf, p, seed, dxf);
}

}  // namespace hat::ops
