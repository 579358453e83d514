#include <gtest/gtest.h>

#include <cmath>

#include "devices/parameters.h"
#include "supernet/optim/adam.h"
#include "supernet/optim/grad_norm.h"
#include "supernet/optim/lr_schedule.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

ParameterStore scalar_params(DType dtype, double value) {
  ParameterStore params(dtype);
  params.declare("p", {1});
  params.allocate();
  if (dtype == DType::f64)
    params.value("p").at<double>({0}) = value;
  else
    params.value("p").at<float>({0}) = static_cast<float>(value);
  return params;
}

TEST(Adam, FirstTwoStepsMatchHandComputedValues) {
  ParameterStore params = scalar_params(DType::f64, 1.0);
  optim::AdamOptions o{.beta1 = 0.9, .beta2 = 0.98, .eps = 1e-8, .weight_decay = 0.0};
  optim::Adam adam(params, o);
  double& p = params.value("p").at<double>({0});
  double& g = params.grad("p").at<double>({0});
  // Step 1, g = 0.5: m = 0.05, v = 0.005; step size = lr sqrt(0.02) / 0.1;
  // p = 1 - 0.1 * sqrt(0.02)/0.1 * 0.05 / (sqrt(0.005) + 1e-8).
  g = 0.5;
  adam.step(0.1);
  const double m1 = 0.05, v1 = 0.005;
  double expected = 1.0 - 0.1 * std::sqrt(0.02) / 0.1 * m1 / (std::sqrt(v1) + 1e-8);
  EXPECT_NEAR(p, expected, 1e-12);
  EXPECT_NEAR(p, 1.0 - 0.1, 1e-6);  // Adam's first step moves by ~lr
  // Step 2, g = -1: m = 0.045 - 0.1, v = 0.0049 + 0.02.
  g = -1.0;
  adam.step(0.1);
  const double m2 = 0.9 * m1 + 0.1 * -1.0, v2 = 0.98 * v1 + 0.02 * 1.0;
  expected -= 0.1 * std::sqrt(1 - 0.98 * 0.98) / (1 - 0.9 * 0.9) * m2 / (std::sqrt(v2) + 1e-8);
  EXPECT_NEAR(p, expected, 1e-12);
  EXPECT_EQ(adam.steps(), 2);
}

TEST(Adam, WeightDecayIsDecoupledFromTheGradient) {
  ParameterStore params = scalar_params(DType::f64, 2.0);
  optim::Adam adam(params, {.weight_decay = 0.1});
  adam.step(0.01);  // zero gradient: only the decay moves p
  EXPECT_NEAR(params.value("p").at<double>({0}), 2.0 * (1 - 0.01 * 0.1), 1e-15);
}

TEST(Adam, MinimisesAQuadraticInFloat) {
  ParameterStore params(DType::f32);
  params.declare("w", {16});
  params.allocate();
  params.values().copy_from(test::random_tensor({params.total_size()}, DType::f32, 3, -2, 2));
  optim::Adam adam(params);
  const Tensor& w = params.value("w");
  for (int step = 0; step < 500; ++step) {
    for (int64_t i = 0; i < 16; ++i)  // L = sum (w_i - i/16)^2
      params.grad("w").at<float>({i}) = 2 * (w.at<float>({i}) - i / 16.0f);
    adam.step(0.05);
  }
  for (int64_t i = 0; i < 16; ++i) EXPECT_NEAR(w.at<float>({i}), i / 16.0f, 2e-2);
}

TEST(Adam, RejectsBadOptionsAndLearningRates) {
  ParameterStore params = scalar_params(DType::f32, 1.0);
  EXPECT_THROW(optim::Adam(params, {.beta1 = 1.0}), Error);
  optim::Adam adam(params);
  EXPECT_THROW(adam.step(std::nan("")), Error);
}

TEST(GradNorm, ClipsToTheMaximumNormAndReportsTheOriginal) {
  Tensor g = Tensor::zeros({2}, DType::f64);
  g.at<double>({0}) = 3;
  g.at<double>({1}) = 4;
  EXPECT_DOUBLE_EQ(optim::clip_grad_norm(g, 10.0), 5.0);  // below the limit: untouched
  EXPECT_EQ(g.at<double>({0}), 3.0);
  EXPECT_DOUBLE_EQ(optim::clip_grad_norm(g, 1.0), 5.0);
  EXPECT_NEAR(optim::grad_norm(g), 1.0, 1e-6);
  EXPECT_NEAR(g.at<double>({0}) / g.at<double>({1}), 0.75, 1e-12);  // direction kept
  optim::scale_grads(g, 2.0);
  EXPECT_NEAR(optim::grad_norm(g), 2.0, 1e-5);
}

TEST(GradNorm, NonFiniteGradientThrows) {
  Tensor g = Tensor::zeros({3}, DType::f32);
  g.at<float>({1}) = std::nanf("");
  EXPECT_THROW(optim::clip_grad_norm(g, 1.0), Error);
  g.at<float>({1}) = INFINITY;
  EXPECT_THROW(optim::clip_grad_norm(g, 0.0), Error);
}

TEST(LrSchedule, InverseSqrtWarmsUpLinearlyThenDecays) {
  auto s = optim::make_inverse_sqrt_schedule(
      {.peak_lr = 1e-3, .warmup_updates = 100, .warmup_init_lr = 0});
  EXPECT_DOUBLE_EQ(s->lr(0), 0.0);
  EXPECT_DOUBLE_EQ(s->lr(50), 5e-4);
  EXPECT_DOUBLE_EQ(s->lr(100), 1e-3);
  EXPECT_DOUBLE_EQ(s->lr(400), 1e-3 * 0.5);  // sqrt(100 / 400)
  EXPECT_NEAR(s->lr(10000), 1e-4, 1e-15);
}

TEST(LrSchedule, CosineWarmsUpThenFollowsHalfCosinesPerPeriod) {
  auto s = optim::make_cosine_schedule({.max_lr = 1e-3,
                                        .min_lr = 1e-5,
                                        .warmup_updates = 10,
                                        .warmup_init_lr = 1e-7,
                                        .period_updates = 100});
  EXPECT_DOUBLE_EQ(s->lr(0), 1e-7);
  EXPECT_NEAR(s->lr(5), 1e-7 + 5 * (1e-3 - 1e-7) / 10, 1e-15);
  EXPECT_DOUBLE_EQ(s->lr(10), 1e-3);                              // top of the cosine
  EXPECT_NEAR(s->lr(60), 1e-5 + 0.5 * (1e-3 - 1e-5), 1e-15);       // half period: midpoint
  EXPECT_NEAR(s->lr(109), 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + std::cos(M_PI * 0.99)), 1e-15);
  EXPECT_DOUBLE_EQ(s->lr(110), 1e-3);                             // restart (t_mult 1)
}

TEST(LrSchedule, CosineWithPeriodGrowthAndShrink) {
  auto s = optim::make_cosine_schedule({.max_lr = 1.0,
                                        .min_lr = 0.0,
                                        .warmup_updates = 0,
                                        .warmup_init_lr = 0,
                                        .period_updates = 10,
                                        .t_mult = 2.0,
                                        .lr_shrink = 0.5});
  // Periods of 10, 20, 40 updates; the second starts at update 10 with max 0.5.
  EXPECT_DOUBLE_EQ(s->lr(0), 1.0);
  EXPECT_NEAR(s->lr(5), 0.5, 1e-12);
  EXPECT_NEAR(s->lr(10), 0.5, 1e-12);
  EXPECT_NEAR(s->lr(20), 0.25, 1e-12);  // middle of the 20-update period at half max
  EXPECT_NEAR(s->lr(30), 0.25, 1e-12);  // start of the third period: max 0.25
}

TEST(LrSchedule, RejectsNonsense) {
  EXPECT_THROW(optim::make_inverse_sqrt_schedule({.peak_lr = -1}), Error);
  EXPECT_THROW(optim::make_cosine_schedule({.max_lr = 1e-3, .min_lr = 1e-2}), Error);
  EXPECT_THROW(optim::make_cosine_schedule({.period_updates = 0}), Error);
}

}  // namespace
}  // namespace hat
