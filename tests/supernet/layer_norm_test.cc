// Tests of layer norm: gradients (x, sliced gamma and beta), slicing of the parameter gradients,
// statistics in the context, and errors (f32 against the f64 reference: op_harness_test.cc).
#include <gtest/gtest.h>

#include <cmath>

#include "devices/parameters.h"
#include "supernet/ops/layer_norm.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

// gamma and beta of width d_max in a parameter store, randomised per parameter (the flat
// buffer's padding differs between f32 and f64); the op uses the leading d.
ParameterStore make_params(DType dtype, int64_t d_max, uint64_t seed) {
  ParameterStore params(dtype);
  params.declare("gamma", {d_max});
  params.declare("beta", {d_max});
  params.allocate();
  params.value("gamma").copy_from(test::random_tensor({d_max}, dtype, seed, 0.5, 1.5));
  params.value("beta").copy_from(test::random_tensor({d_max}, dtype, seed + 1));
  return params;
}

TEST(LayerNorm, GradientsMatchFiniteDifferencesOnSlicedParameters) {
  const int64_t d = 5;
  ParameterStore params = make_params(DType::f64, 8, 61);
  Tensor g = params.value("gamma").leading({d}), dg = params.grad("gamma").leading({d});
  Tensor b = params.value("beta").leading({d}), db = params.grad("beta").leading({d});
  Tensor x = test::random_tensor({2, 3, d}, DType::f64, 62), dx = Tensor::zeros({2, 3, d}, DType::f64);
  Tensor y;
  ops::LayerNormContext ctx;
  EXPECT_TRUE(test::check_gradients(
      {{"x", x, dx}, {"gamma", g, dg}, {"beta", b, db}},
      [&] {
        ops::layer_norm_forward(x, g, b, ops::kLayerNormEps, y, ctx);
        return std::vector<Tensor>{y};
      },
      [&](const std::vector<Tensor>& dy) {
        ops::layer_norm_backward(x, g, ctx, dy[0], dx, dg, db);
      }));
}

TEST(LayerNorm, ForwardMatchesTheDefinitionAndKeepsStatistics) {
  for (DType dtype : {DType::f32, DType::f64}) {
    Tensor x = test::random_tensor({4, 3}, dtype, 63);
    const double xs[3] = {1.0, 2.0, 4.0};
    for (int64_t c = 0; c < 3; ++c) {
      if (dtype == DType::f32)
        x.at<float>({0, c}) = static_cast<float>(xs[c]);
      else
        x.at<double>({0, c}) = xs[c];
    }
    Tensor g = test::cast(test::random_tensor({3}, DType::f64, 64, 0.5, 1.5), dtype);
    Tensor b = test::cast(test::random_tensor({3}, DType::f64, 65), dtype);
    Tensor y;
    ops::LayerNormContext ctx;
    ops::layer_norm_forward(x, g, b, ops::kLayerNormEps, y, ctx);
    const double tol = dtype == DType::f32 ? 2e-6 : 1e-13;
    for (int64_t r = 0; r < 4; ++r) {
      double mean = 0, var = 0;
      for (int64_t c = 0; c < 3; ++c) mean += test::element(x, r * 3 + c) / 3;
      for (int64_t c = 0; c < 3; ++c) var += std::pow(test::element(x, r * 3 + c) - mean, 2) / 3;
      EXPECT_NEAR(test::element(ctx.mean, r), mean, tol);
      EXPECT_NEAR(test::element(ctx.variance, r), var, tol);
      for (int64_t c = 0; c < 3; ++c) {
        const double expected = test::element(g, c) * (test::element(x, r * 3 + c) - mean) /
                                    std::sqrt(var + 1e-5) + test::element(b, c);
        EXPECT_NEAR(test::element(y, r * 3 + c), expected, 4 * tol) << r << "," << c;
      }
    }
    EXPECT_NEAR(test::element(ctx.mean, 0), 7.0 / 3, tol);
    EXPECT_NEAR(test::element(ctx.variance, 0), 14.0 / 9, tol);
    EXPECT_EQ(ctx.eps, ops::kLayerNormEps);
  }
}

TEST(LayerNorm, ParameterGradientsLandOnlyInTheActiveSlice) {
  for (DType dtype : {DType::f32, DType::f64}) {
    const int64_t d = 6, d_max = 10;
    ParameterStore params = make_params(dtype, d_max, 71);
    Tensor g = params.value("gamma").leading({d}), b = params.value("beta").leading({d});
    Tensor x = test::random_tensor({2, 3, d}, dtype, 72), y;
    ops::LayerNormContext ctx;
    ops::layer_norm_forward(x, g, b, ops::kLayerNormEps, y, ctx);
    ops::layer_norm_backward(x, g, ctx, test::random_tensor({2, 3, d}, dtype, 73), Tensor(),
                             params.grad("gamma").leading({d}), params.grad("beta").leading({d}));
    for (const char* name : {"gamma", "beta"})
      for (int64_t i = 0; i < d_max; ++i) {
        if (i < d)
          EXPECT_NE(test::element(params.grad(name), i), 0.0) << name << " " << i;
        else
          EXPECT_EQ(test::element(params.grad(name), i), 0.0) << name << " " << i;
      }
    int64_t nonzero = 0;
    for (int64_t i = 0; i < params.grads().numel(); ++i) nonzero += test::element(params.grads(), i) != 0.0;
    EXPECT_EQ(nonzero, 2 * d);
  }
}

TEST(LayerNorm, PartialGradientsMatchTheFullBackwardAndAccumulate) {
  for (DType dtype : {DType::f32, DType::f64}) {
    const int64_t d = 16;
    Tensor x = test::random_tensor({5, d}, dtype, 74), dy = test::random_tensor({5, d}, dtype, 75);
    Tensor g = test::random_tensor({d}, dtype, 76, 0.5, 1.5), b = test::random_tensor({d}, dtype, 77);
    Tensor y;
    ops::LayerNormContext ctx;
    ops::layer_norm_forward(x, g, b, ops::kLayerNormEps, y, ctx);
    auto zeros = [&](const Shape& s) { return Tensor::zeros(s, dtype); };
    Tensor dx = zeros({5, d}), dg = zeros({d}), db = zeros({d});
    ops::layer_norm_backward(x, g, ctx, dy, dx, dg, db);
    Tensor dx_only = zeros({5, d}), dg_only = zeros({d}), db_twice = zeros({d});
    ops::layer_norm_backward(x, g, ctx, dy, dx_only, Tensor(), Tensor());
    ops::layer_norm_backward(x, g, ctx, dy, Tensor(), dg_only, Tensor());
    ops::layer_norm_backward(x, g, ctx, dy, Tensor(), Tensor(), db_twice);
    ops::layer_norm_backward(x, g, ctx, dy, Tensor(), Tensor(), db_twice);
    EXPECT_TRUE(test::all_close(dx_only, dx, 1e-6, 1e-7));
    EXPECT_TRUE(test::all_close(dg_only, dg, 1e-6, 1e-7));
    for (int64_t i = 0; i < d; ++i)
      EXPECT_NEAR(test::element(db_twice, i), 2 * test::element(db, i), 1e-5);
    // Sum over the row of dx is 0 (shifting x along a row changes nothing).
    for (int64_t r = 0; r < 5; ++r) {
      double s = 0;
      for (int64_t c = 0; c < d; ++c) s += test::element(dx, r * d + c);
      EXPECT_NEAR(s, 0.0, 1e-5);
    }
  }
}

TEST(LayerNorm, ContextFollowsChangingRowCounts) {
  const int64_t d = 8;
  Tensor g = test::random_tensor({d}, DType::f32, 78), b = test::random_tensor({d}, DType::f32, 79);
  ops::LayerNormContext ctx;
  for (int64_t rows : {3, 11, 2}) {
    Tensor x = test::random_tensor({rows, d}, DType::f32, 80 + rows), y;
    ops::layer_norm_forward(x, g, b, ops::kLayerNormEps, y, ctx);
    EXPECT_EQ(ctx.mean.shape(), Shape{rows});
    EXPECT_EQ(ctx.variance.shape(), Shape{rows});
  }
}

using test::expect_error;

TEST(LayerNorm, BadInputsThrowNamingTheOpAndShapes) {
  Tensor x = Tensor::zeros({2, 3, 4}, DType::f32), g = Tensor::zeros({4}, DType::f32);
  Tensor b = Tensor::zeros({4}, DType::f32), y;
  ops::LayerNormContext ctx;
  expect_error([&] { ops::layer_norm_forward(x, Tensor::zeros({5}, DType::f32), b, 1e-5, y, ctx); },
               {"layer_norm", "gamma", "[5]", "[2, 3, 4]"});
  expect_error([&] { ops::layer_norm_forward(x, g, Tensor::zeros({3}, DType::f32), 1e-5, y, ctx); },
               {"layer_norm", "beta", "[3]"});
  expect_error([&] { ops::layer_norm_forward(x, Tensor::zeros({4}, DType::f64), b, 1e-5, y, ctx); },
               {"layer_norm", "gamma", "f64"});
  expect_error([&] { ops::layer_norm_forward(x, g, b, 0.0, y, ctx); }, {"layer_norm", "eps"});
  ops::layer_norm_forward(x, g, b, 1e-5, y, ctx);
  Tensor x2 = Tensor::zeros({3, 4}, DType::f32);
  expect_error([&] { ops::layer_norm_backward(x2, g, ctx, x2, Tensor(), g, Tensor()); },
               {"layer_norm_backward", "context", "[3, 4]"});
  expect_error([&] { ops::layer_norm_backward(x, g, ctx, x2, Tensor(), g, Tensor()); },
               {"layer_norm_backward", "dy", "[3, 4]"});
  expect_error(
      [&] {
        ops::layer_norm_backward(x, g, ctx, x, Tensor(), Tensor::zeros({6}, DType::f32), Tensor());
      },
      {"layer_norm_backward", "dgamma", "[6]"});
  expect_error(
      [&] { ops::layer_norm_backward(x, g, ops::LayerNormContext{}, x, Tensor(), g, Tensor()); },
      {"layer_norm_backward", "context"});
}

}  // namespace
}  // namespace hat
