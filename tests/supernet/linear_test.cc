#include <gtest/gtest.h>

#include "devices/parameters.h"
#include "supernet/ops/bias_add.h"
#include "supernet/ops/linear.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

using test::GradInput;

TEST(Linear, GradientsMatchFiniteDifferencesOnASlicedWeight) {
  // A [5, 7] SuperTransformer weight of which the SubTransformer uses W[:4, :3].
  ParameterStore params(DType::f64);
  params.declare("w", {5, 7});
  params.declare("b", {5});
  params.allocate();
  params.values().copy_from(test::random_tensor({params.total_size()}, DType::f64, 11));
  Tensor w = params.value("w").leading({4, 3}), dw = params.grad("w").leading({4, 3});
  Tensor b = params.value("b").leading({4}), db = params.grad("b").leading({4});
  Tensor x = test::random_tensor({2, 3, 3}, DType::f64, 12), dx = Tensor::zeros({2, 3, 3}, DType::f64);
  Tensor y;
  EXPECT_TRUE(test::check_gradients(
      {{"x", x, dx}, {"w", w, dw}, {"b", b, db}},
      [&] {
        ops::linear_forward(x, w, &b, y);
        return std::vector<Tensor>{y};
      },
      [&](const std::vector<Tensor>& dy) { ops::linear_backward(x, w, dy[0], dx, dw, db); }));
}

TEST(Linear, GradientLandsOnlyInsideTheActiveBlock) {
  ParameterStore params(DType::f32);
  params.declare("w", {6, 8});
  params.declare("b", {6});
  params.allocate();
  params.values().copy_from(test::random_tensor({params.total_size()}, DType::f32, 13));
  Tensor w = params.value("w").leading({4, 5}), b = params.value("b").leading({4});
  Tensor x = test::random_tensor({3, 5}, DType::f32, 14), y;
  ops::linear_forward(x, w, &b, y);
  ops::linear_backward(x, w, test::random_tensor({3, 4}, DType::f32, 15), Tensor(),
                       params.grad("w").leading({4, 5}), params.grad("b").leading({4}));
  const Tensor& gw = params.grad("w");
  for (int64_t o = 0; o < 6; ++o)
    for (int64_t i = 0; i < 8; ++i) {
      if (o < 4 && i < 5)
        EXPECT_NE(gw.at<float>({o, i}), 0.0f) << o << "," << i;
      else
        EXPECT_EQ(gw.at<float>({o, i}), 0.0f) << o << "," << i;
    }
  for (int64_t o = 0; o < 6; ++o) {
    if (o < 4)
      EXPECT_NE(params.grad("b").at<float>({o}), 0.0f);
    else
      EXPECT_EQ(params.grad("b").at<float>({o}), 0.0f);
  }
  // Nothing outside the declared parameters was touched either (alignment padding included).
  const Tensor& flat = params.grads();
  int64_t nonzero = 0;
  for (int64_t i = 0; i < flat.numel(); ++i) nonzero += flat.data<float>()[i] != 0.0f;
  EXPECT_EQ(nonzero, 4 * 5 + 4);
}

TEST(Linear, BackwardAccumulates) {
  Tensor w = test::random_tensor({3, 2}, DType::f64, 20), x = test::random_tensor({4, 2}, DType::f64, 21);
  Tensor dy = test::random_tensor({4, 3}, DType::f64, 22);
  Tensor dw1 = Tensor::zeros({3, 2}, DType::f64), dw2 = Tensor::zeros({3, 2}, DType::f64);
  ops::linear_backward(x, w, dy, Tensor(), dw1, Tensor());
  ops::linear_backward(x, w, dy, Tensor(), dw2, Tensor());
  ops::linear_backward(x, w, dy, Tensor(), dw2, Tensor());
  for (int64_t i = 0; i < 6; ++i) EXPECT_NEAR(test::element(dw2, i), 2 * test::element(dw1, i), 1e-12);
}

TEST(Linear, MismatchedWidthThrowsNamingTheShapes) {
  Tensor w = Tensor::zeros({4, 3}, DType::f32), x = Tensor::zeros({2, 5}, DType::f32), y;
  test::expect_error([&] { ops::linear_forward(x, w, nullptr, y); }, {"linear", "[4, 3]"});
}

TEST(BiasAdd, GradientsMatchFiniteDifferences) {
  Tensor bias_full = test::random_tensor({6}, DType::f64, 23);
  Tensor b = bias_full.leading({4}), db_full = Tensor::zeros({6}, DType::f64), db = db_full.leading({4});
  Tensor x = test::random_tensor({3, 4}, DType::f64, 24), dx = Tensor::zeros({3, 4}, DType::f64), y;
  EXPECT_TRUE(test::check_gradients(
      {{"x", x, dx}, {"b", b, db}},
      [&] {
        ops::bias_add_forward(x, b, y);
        return std::vector<Tensor>{y};
      },
      [&](const std::vector<Tensor>& dy) { ops::bias_add_backward(dy[0], dx, db); }));
  EXPECT_EQ(db_full.at<double>({4}), 0.0);
  EXPECT_EQ(db_full.at<double>({5}), 0.0);
}

}  // namespace
}  // namespace hat
