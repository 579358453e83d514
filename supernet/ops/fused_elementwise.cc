// Fused element-wise kernels: own loops (oneDNN 2.6 has no dropout), f32 and f64. The dropout
// kernels are compiled twice on x86, for AVX-512 (vpmullq: eight 64-bit hashes per instruction)
// and for the baseline ISA, and chosen once at run time; elsewhere (arm64) once, for the baseline.
#include "supernet/ops/fused_elementwise.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "devices/parallel.h"
#include "devices/random.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

// dropout.h's mask: element i is kept iff u = 53 bits of mix64(mix64(seed) + (i + 1) * golden)
// times 2^-53 is >= p, i.e. iff those 53 bits, as an integer, are >= ceil(p 2^53) (p 2^53 is
// exact in double). Tests check the masks equal dropout_forward's.
uint64_t keep_threshold(double p) { return static_cast<uint64_t>(std::ceil(std::ldexp(p, 53))); }

inline bool keeps(uint64_t key, int64_t i, uint64_t threshold) {
  return (mix64(key + (static_cast<uint64_t>(i) + 1) * kGoldenGamma) >> 11) >= threshold;
}

// y = residual + dropout(x) (ADD) or y = dropout(x); residual unused without ADD. The loop is
// written out in each variant: OpenMP outlines the loop body into a function of its own, which
// must carry the variant's target attribute to be vectorised for it.
#define HAT_DROPOUT_LOOP                                                    \
  _Pragma("omp parallel for simd") for (int64_t i = 0; i < n; ++i) {      \
    const T kept = keeps(key, i, threshold) ? x[i] * scale : T(0);          \
    y[i] = ADD ? residual[i] + kept : kept;                                 \
  }

#if defined(__x86_64__)
template <typename T, bool ADD>
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) void dropout_avx512(
    const T* x, const T* residual, T* y, int64_t n, uint64_t key, uint64_t threshold, T scale) {
  HAT_DROPOUT_LOOP
}
#endif

template <typename T, bool ADD>
void dropout_generic(const T* x, const T* residual, T* y, int64_t n, uint64_t key,
                     uint64_t threshold, T scale) {
  HAT_DROPOUT_LOOP
}

#undef HAT_DROPOUT_LOOP

#if defined(__x86_64__)
bool has_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  return yes;
}
#endif

template <typename T, bool ADD>
void dropout_typed(const Tensor& x, double p, uint64_t seed, const Tensor* residual,
                   const Tensor& y) {
  const T* px = x.data<T>();
  const T* pr = ADD ? residual->data<T>() : nullptr;
  T* py = y.data<T>();
  const int64_t n = x.numel();
  if (p == 0.0) {
    parallel_chunks(n, 1, [&](int64_t begin, int64_t end) {
#pragma omp simd
      for (int64_t i = begin; i < end; ++i) py[i] = ADD ? pr[i] + px[i] : px[i];
    });
    return;
  }
  const T scale = static_cast<T>(1.0 / (1.0 - p));
  const uint64_t key = mix64(seed), threshold = keep_threshold(p);
#if defined(__x86_64__)
  if (has_avx512()) return dropout_avx512<T, ADD>(px, pr, py, n, key, threshold, scale);
#endif
  dropout_generic<T, ADD>(px, pr, py, n, key, threshold, scale);
}

// d = y > 0 ? d / (1 - p) : 0 as a bit mask on the product: y > 0 exactly when y's bits, read as
// a signed integer, are positive (sign clear, not +0; y is never NaN after ReLU). GCC vectorises
// this form; a float select it turns into a branch (mispredicted on ReLU's random pattern).
template <typename T>
void relu_dropout_backward(const Tensor& y, double p, const Tensor& d) {
  using Bits = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  const T* py = y.data<T>();
  T* pd = d.data<T>();
  const int64_t n = y.numel();
  const T scale = static_cast<T>(1.0 / (1.0 - p));
#pragma omp parallel for simd
  for (int64_t i = 0; i < n; ++i) {
    const T g = pd[i] * scale;
    Bits yb, gb;
    std::memcpy(&yb, &py[i], sizeof(T));
    std::memcpy(&gb, &g, sizeof(T));
    gb &= -static_cast<Bits>(yb > 0);
    std::memcpy(&pd[i], &gb, sizeof(T));
  }
}

void check_same(const Tensor& a, const Tensor& b, const char* op, const char* na,
                const char* nb) {
  HAT_CHECK(a.defined() && b.defined() && a.shape() == b.shape() && a.dtype() == b.dtype(), op,
            ": ", na, " ", a.describe(), " and ", nb, " ", b.describe(),
            " need one shape and type");
}

void check_p(double p, const char* op, const Tensor& t) {
  HAT_CHECK(p >= 0.0 && p < 1.0, op, ": probability p = ", p, " must be in [0, 1) (tensor ",
            t.describe(), ")");
}

}  // namespace

void dropout_apply(const Tensor& x, double p, uint64_t seed, const Tensor& y) {
  const char* op = "dropout_apply";
  const Tensor xf = as_flat(x, op, "x");
  check_same(x, y, op, "x", "y");
  check_p(p, op, x);
  const Tensor yf = as_flat(y, op, "y");
  if (x.dtype() == DType::f32)
    dropout_typed<float, false>(xf, p, seed, nullptr, yf);
  else
    dropout_typed<double, false>(xf, p, seed, nullptr, yf);
}

void dropout_add_forward(const Tensor& x, double p, uint64_t seed, const Tensor& residual,
                         const Tensor& y) {
  const char* op = "dropout_add";
  const Tensor xf = as_flat(x, op, "x");
  check_same(x, residual, op, "x", "residual");
  check_same(x, y, op, "x", "y");
  check_p(p, op, x);
  const Tensor rf = as_flat(residual, op, "residual"), yf = as_flat(y, op, "y");
  if (x.dtype() == DType::f32)
    dropout_typed<float, true>(xf, p, seed, &rf, yf);
  else
    dropout_typed<double, true>(xf, p, seed, &rf, yf);
}

void relu_dropout_backward_inplace(const Tensor& y, double p, const Tensor& d) {
  const char* op = "relu_dropout_backward";
  const Tensor yf = as_flat(y, op, "y");
  check_same(y, d, op, "y", "d");
  check_p(p, op, y);
  const Tensor df = as_flat(d, op, "d");
  if (y.dtype() == DType::f32)
    relu_dropout_backward<float>(yf, p, df);
  else
    relu_dropout_backward<double>(yf, p, df);
}

}  // namespace hat::ops
