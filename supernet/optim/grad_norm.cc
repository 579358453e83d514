#include "supernet/optim/grad_norm.h"

#include <cmath>

namespace hat::optim {

namespace {

template <typename T>
double sum_of_squares(const T* g, int64_t n) {
  double sum = 0;
#pragma omp parallel for reduction(+ : sum)
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(g[i]) * g[i];
  return sum;
}

template <typename T>
void scale(T* g, int64_t n, double factor) {
  const T f = static_cast<T>(factor);
#pragma omp parallel for simd
  for (int64_t i = 0; i < n; ++i) g[i] *= f;
}

void check_flat(const Tensor& grads, const char* op) {
  HAT_CHECK(grads.defined() && grads.is_contiguous() && grads.dtype() != DType::i32, op,
            ": needs a dense floating gradient buffer, got ", grads.describe());
}

}  // namespace

double grad_norm(const Tensor& grads) {
  check_flat(grads, "grad_norm");
  const double sum = grads.dtype() == DType::f32
                         ? sum_of_squares(grads.data<float>(), grads.numel())
                         : sum_of_squares(grads.data<double>(), grads.numel());
  return std::sqrt(sum);
}

void scale_grads(const Tensor& grads, double factor) {
  check_flat(grads, "scale_grads");
  HAT_CHECK(std::isfinite(factor), "scale_grads: factor ", factor, " is not finite");
  if (grads.dtype() == DType::f32)
    scale(grads.data<float>(), grads.numel(), factor);
  else
    scale(grads.data<double>(), grads.numel(), factor);
}

double clip_grad_norm(const Tensor& grads, double max_norm) {
  const double norm = grad_norm(grads);
  HAT_CHECK(std::isfinite(norm), "clip_grad_norm: gradient norm is ", norm, " over ",
            grads.describe(), "; the loss or a backward produced NaN/inf");
  if (max_norm > 0 && norm > max_norm) scale_grads(grads, max_norm / (norm + 1e-6));
  return norm;
}

}  // namespace hat::optim
