#include "supernet/optim/adam.h"

#include <cmath>

namespace hat::optim {

namespace {

template <typename T>
void adam_update(T* p, const T* g, T* m, T* v, int64_t n, double lr, const AdamOptions& o,
                 int64_t t) {
  const double bias1 = 1.0 - std::pow(o.beta1, static_cast<double>(t));
  const double bias2 = 1.0 - std::pow(o.beta2, static_cast<double>(t));
  const T step_size = static_cast<T>(lr * std::sqrt(bias2) / bias1);
  const T decay = static_cast<T>(1.0 - lr * o.weight_decay);
  const T b1 = static_cast<T>(o.beta1), b2 = static_cast<T>(o.beta2);
  const T eps = static_cast<T>(o.eps);
#pragma omp parallel for simd
  for (int64_t i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (T(1) - b1) * g[i];
    v[i] = b2 * v[i] + (T(1) - b2) * g[i] * g[i];
    p[i] = p[i] * decay - step_size * m[i] / (std::sqrt(v[i]) + eps);
  }
}

}  // namespace

Adam::Adam(const ParameterStore& params, AdamOptions options)
    : values_(params.values()), grads_(params.grads()), options_(options) {
  HAT_CHECK(params.allocated(), "adam: parameters are not allocated yet");
  HAT_CHECK(options.beta1 >= 0 && options.beta1 < 1 && options.beta2 >= 0 && options.beta2 < 1,
            "adam: betas (", options.beta1, ", ", options.beta2, ") must lie in [0, 1)");
  HAT_CHECK(options.eps > 0 && options.weight_decay >= 0, "adam: eps ", options.eps,
            " must be > 0 and weight decay ", options.weight_decay, " >= 0");
  exp_avg_ = Tensor::zeros(values_.shape(), values_.dtype());
  exp_avg_sq_ = Tensor::zeros(values_.shape(), values_.dtype());
}

void Adam::step(double lr) {
  HAT_CHECK(std::isfinite(lr) && lr >= 0, "adam: learning rate ", lr, " is not a finite value >= 0");
  ++steps_;
  const int64_t n = values_.numel();
  if (values_.dtype() == DType::f32)
    adam_update(values_.data<float>(), grads_.data<float>(), exp_avg_.data<float>(),
                exp_avg_sq_.data<float>(), n, lr, options_, steps_);
  else
    adam_update(values_.data<double>(), grads_.data<double>(), exp_avg_.data<double>(),
                exp_avg_sq_.data<double>(), n, lr, options_, steps_);
}

}  // namespace hat::optim
