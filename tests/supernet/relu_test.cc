// Tests of the ReLU op: gradients, oneDNN vs reference, accumulation, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "supernet/ops/relu.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

// Random values kept at least 0.05 away from the kink at 0, so that central differences with
// step 1e-6 never straddle it.
Tensor away_from_kink(const Shape& shape, DType dtype, uint64_t seed) {
  Tensor t = test::random_tensor(shape, DType::f64, seed);
  for (int64_t i = 0; i < t.numel(); ++i) {
    double& v = t.data<double>()[i];
    if (std::abs(v) < 0.05) v = v < 0 ? v - 0.1 : v + 0.1;
  }
  return test::cast(t, dtype);
}

TEST(Relu, GradientMatchesFiniteDifferences) {
  Tensor x = away_from_kink({2, 3, 4}, DType::f64, 31), dx = Tensor::zeros({2, 3, 4}, DType::f64);
  for (int64_t i = 0; i < x.numel(); ++i) ASSERT_GE(std::abs(x.data<double>()[i]), 1e-3);
  Tensor y;
  EXPECT_TRUE(test::check_gradients(
      {{"x", x, dx}},
      [&] {
        ops::relu_forward(x, y);
        return std::vector<Tensor>{y};
      },
      [&](const std::vector<Tensor>& dy) { ops::relu_backward(x, dy[0], dx); }));
}

TEST(Relu, ForwardIsMaxOfXAndZero) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Tensor x = test::random_tensor({5, 7}, dtype, 32), y;
    ops::relu_forward(x, y);
    for (int64_t i = 0; i < x.numel(); ++i)
      EXPECT_EQ(test::element(y, i), std::max(test::element(x, i), 0.0)) << i;
  }
}

TEST(Relu, OneDnnFloatPathMatchesDoubleReference) {
  // Includes exact zeros (the kink: gradient 0, as in PyTorch) and a prefilled dx (accumulate).
  Tensor x64 = test::random_tensor({3, 4, 33}, DType::f64, 33);
  x64.data<double>()[0] = 0.0;
  x64.data<double>()[17] = 0.0;
  const Tensor dy64 = test::random_tensor(x64.shape(), DType::f64, 34);
  const Tensor dx0 = test::random_tensor(x64.shape(), DType::f64, 35);
  auto run = [&](DType dtype) {
    Tensor x = test::cast(x64, dtype), dy = test::cast(dy64, dtype), dx = test::cast(dx0, dtype);
    Tensor y;
    ops::relu_forward(x, y);
    ops::relu_backward(x, dy, dx);
    return std::vector<Tensor>{y, dx};
  };
  auto f32 = run(DType::f32), f64 = run(DType::f64);
  for (size_t k = 0; k < f32.size(); ++k) EXPECT_TRUE(test::all_close(f32[k], f64[k], 1e-6, 1e-6)) << k;
  // At x == 0 nothing is added: dx keeps its prior value.
  for (int64_t i : {0, 17}) {
    EXPECT_EQ(test::element(f64[1], i), test::element(dx0, i));
    EXPECT_EQ(test::element(f32[1], i), static_cast<float>(test::element(dx0, i)));
  }
}

TEST(Relu, BackwardAccumulatesAndAcceptsTheOutputInsteadOfTheInput) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Tensor x = away_from_kink({4, 9}, dtype, 36), dy = test::random_tensor({4, 9}, dtype, 37);
    Tensor y;
    ops::relu_forward(x, y);
    Tensor once = Tensor::zeros(x.shape(), dtype), twice = Tensor::zeros(x.shape(), dtype);
    ops::relu_backward(x, dy, once);
    ops::relu_backward(x, dy, twice);
    ops::relu_backward(y, dy, twice);  // y > 0 exactly where x > 0
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double expected = test::element(x, i) > 0 ? test::element(dy, i) : 0.0;
      EXPECT_EQ(test::element(once, i), expected) << i;
      EXPECT_NEAR(test::element(twice, i), 2 * expected, 1e-6) << i;
    }
  }
}

TEST(Relu, InPlaceForwardAndSkippedGradient) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Tensor x = test::random_tensor({6, 5}, dtype, 38), expected;
    ops::relu_forward(x, expected);
    Tensor y = x;  // y aliases x
    ops::relu_forward(x, y);
    EXPECT_EQ(y.raw(), x.raw());
    EXPECT_TRUE(test::all_close(y, expected, 0, 0));
    ops::relu_backward(y, test::random_tensor({6, 5}, dtype, 39), Tensor());  // dx undefined: no-op
  }
}

TEST(Relu, MismatchedShapesThrowNamingTheOpAndShapes) {
  Tensor x = Tensor::zeros({2, 3}, DType::f32), dx = Tensor::zeros({2, 3}, DType::f32);
  test::expect_error(
      [&] {
        ops::relu_backward(x, Tensor::zeros({3, 2}, DType::f32), dx);
      },
      {"relu_backward", "[3, 2]"});
  Tensor y = Tensor::zeros({2, 4}, DType::f32);
  test::expect_error([&] { ops::relu_forward(x, y); }, {"relu", "[2, 4]"});
  EXPECT_THROW(ops::relu_backward(x, Tensor::zeros({2, 3}, DType::f64), dx), Error);
  EXPECT_THROW(ops::relu_forward(x.transpose(0, 1), y), Error);  // not dense
}

}  // namespace
}  // namespace hat
