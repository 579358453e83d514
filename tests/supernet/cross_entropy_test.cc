// Label-smoothed cross-entropy: values by hand, padding, gradients, f32 vs f64, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/support/reference_cross_entropy.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

Tensor make_logits(DType dtype, int64_t rows, int64_t vocab, std::initializer_list<double> values) {
  Tensor t = Tensor::zeros({rows, vocab}, DType::f64);
  int64_t i = 0;
  for (double v : values) t.data<double>()[i++] = v;
  EXPECT_EQ(i, t.numel());
  return test::cast(t, dtype);
}

Tensor make_targets(std::initializer_list<int32_t> ids) {
  Tensor t = Tensor::zeros({static_cast<int64_t>(ids.size())}, DType::i32);
  int64_t i = 0;
  for (int32_t id : ids) t.data<int32_t>()[i++] = id;
  return t;
}

// The per-row loss of HAT's criterion, straight from the formula.
double row_loss(std::initializer_list<double> z, int t, double eps, double* nll) {
  double sum = 0;
  for (double v : z) sum += std::exp(v);
  const double lse = std::log(sum);
  double smooth = 0;
  int k = 0;
  for (double v : z) {
    if (k++ == t) *nll = lse - v;
    smooth += lse - v;
  }
  return (1 - eps) * *nll + eps / static_cast<double>(z.size()) * smooth;
}

TEST(CrossEntropy, HandComputedValuesWithAndWithoutSmoothing) {
  // V = 3, padding_idx = 1; the third row is padding.
  const int32_t pad = 1;
  for (DType dtype : {DType::f64, DType::f32}) {
    Tensor logits = make_logits(dtype, 3, 3, {1, 2, 3, 0.5, -1, 0.25, 9, -9, 4});
    Tensor targets = make_targets({0, 2, pad});
    for (double eps : {0.0, 0.1}) {
      CrossEntropyContext ctx;
      const ops::CrossEntropyResult r =
          label_smoothed_cross_entropy_forward(logits, targets, eps, pad, ctx);
      double nll0, nll1;
      const double expected = row_loss({1, 2, 3}, 0, eps, &nll0) + row_loss({0.5, -1, 0.25}, 2, eps, &nll1);
      // oneDNN's f32 log-softmax is accurate to about 2e-6 (its vectorised log/exp).
      const double rtol = dtype == DType::f64 ? 1e-14 : 1e-5;
      EXPECT_NEAR(r.loss, expected, rtol * expected) << eps;
      EXPECT_NEAR(r.nll_loss, nll0 + nll1, rtol * (nll0 + nll1));
      EXPECT_EQ(r.tokens, 2);
      // Row 0 by hand: logsumexp(1, 2, 3) = 3.40760596444438, so nll = 2.40760596444438 and
      // smooth = 3 * 3.40760596444438 - 6; at eps = 0.1: 0.9 nll + 0.1 / 3 * smooth = nll - 0.1.
      EXPECT_NEAR(nll0, 2.40760596444438, 1e-13);
      EXPECT_NEAR(row_loss({1, 2, 3}, 0, eps, &nll0), 2.40760596444438 - eps, 1e-13);
    }
  }
}

TEST(CrossEntropy, PaddingRowsContributeNothing) {
  const int32_t pad = 0;
  // Rows 1 and 3 are padding; row 3 even holds NaN logits (fairseq masks them out).
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor logits = make_logits(DType::f64, 4, 4,
                              {0.3, -0.2, 1.1, 0.0, 5, 5, -5, 2, -0.7, 0.4, 0.9, 0.1, nan, 1, 2, 3});
  Tensor targets = make_targets({2, pad, 3, pad});
  CrossEntropyContext ctx;
  const ops::CrossEntropyResult r =
      label_smoothed_cross_entropy_forward(logits, targets, 0.1, pad, ctx);
  Tensor dlogits = Tensor::zeros({4, 4}, DType::f64);
  label_smoothed_cross_entropy_backward(ctx, targets, 0.1, pad, 1.0, dlogits);

  // The same without the padding rows.
  Tensor kept = make_logits(DType::f64, 2, 4, {0.3, -0.2, 1.1, 0.0, -0.7, 0.4, 0.9, 0.1});
  Tensor kept_targets = make_targets({2, 3});
  CrossEntropyContext kept_ctx;
  const ops::CrossEntropyResult k =
      label_smoothed_cross_entropy_forward(kept, kept_targets, 0.1, pad, kept_ctx);
  Tensor dkept = Tensor::zeros({2, 4}, DType::f64);
  label_smoothed_cross_entropy_backward(kept_ctx, kept_targets, 0.1, pad, 1.0, dkept);

  EXPECT_EQ(r.tokens, 2);
  EXPECT_EQ(r.loss, k.loss);
  EXPECT_EQ(r.nll_loss, k.nll_loss);
  for (int64_t v = 0; v < 4; ++v) {
    EXPECT_EQ(dlogits.at<double>({1, v}), 0.0);
    EXPECT_EQ(dlogits.at<double>({3, v}), 0.0);
    EXPECT_EQ(dlogits.at<double>({0, v}), dkept.at<double>({0, v}));
    EXPECT_EQ(dlogits.at<double>({2, v}), dkept.at<double>({1, v}));
  }
}

TEST(CrossEntropy, GradientMatchesFiniteDifferences) {
  const int32_t pad = 1;
  for (double eps : {0.0, 0.1}) {
    Tensor logits = test::random_tensor({5, 6}, DType::f64, 51, -2.0, 2.0);
    Tensor targets = make_targets({0, 5, pad, 3, 1});  // row 4's target is padding too
    Tensor dlogits = Tensor::zeros({5, 6}, DType::f64);
    CrossEntropyContext ctx;
    Tensor out = Tensor::zeros({1}, DType::f64);
    EXPECT_TRUE(test::check_gradients(
        {{"logits", logits, dlogits}},
        [&] {
          out.data<double>()[0] = label_smoothed_cross_entropy_forward(logits, targets, eps, pad, ctx).loss;
          return std::vector<Tensor>{out};
        },
        [&](const std::vector<Tensor>& w) {
          label_smoothed_cross_entropy_backward(ctx, targets, eps, pad, w[0].data<double>()[0], dlogits);
        }))
        << "eps " << eps;
  }
}

TEST(CrossEntropy, GradientRowsSumToZeroAndBackwardAdds) {
  // sum_v (p_v - q_v) = 1 - 1 = 0 for every non-padding row.
  Tensor logits = test::random_tensor({3, 7}, DType::f64, 52, -3.0, 3.0);
  Tensor targets = make_targets({6, 0, 2});
  CrossEntropyContext ctx;
  label_smoothed_cross_entropy_forward(logits, targets, 0.1, -1, ctx);
  Tensor once = Tensor::zeros({3, 7}, DType::f64), twice = Tensor::zeros({3, 7}, DType::f64);
  label_smoothed_cross_entropy_backward(ctx, targets, 0.1, -1, 0.5, once);
  label_smoothed_cross_entropy_backward(ctx, targets, 0.1, -1, 0.5, twice);
  label_smoothed_cross_entropy_backward(ctx, targets, 0.1, -1, 0.5, twice);
  for (int64_t n = 0; n < 3; ++n) {
    double sum = 0;
    for (int64_t v = 0; v < 7; ++v) {
      sum += once.at<double>({n, v});
      EXPECT_NEAR(twice.at<double>({n, v}), 2 * once.at<double>({n, v}), 1e-15);
    }
    EXPECT_NEAR(sum, 0.0, 1e-15);
  }
}

TEST(CrossEntropy, OneDnnFloatPathMatchesDoubleReference) {
  const int32_t pad = 1;
  Tensor logits64 = test::random_tensor({2, 4, 37}, DType::f64, 53, -4.0, 4.0);  // [B, T, V]
  Tensor targets = Tensor::zeros({2, 4}, DType::i32);
  for (int64_t i = 0; i < 8; ++i) targets.data<int32_t>()[i] = i == 5 ? pad : (i * 11) % 37;
  auto run = [&](DType dtype, ops::CrossEntropyResult& r) {
    CrossEntropyContext ctx;
    r = label_smoothed_cross_entropy_forward(test::cast(logits64, dtype), targets, 0.1, pad, ctx);
    Tensor d = Tensor::zeros({2, 4, 37}, dtype);
    label_smoothed_cross_entropy_backward(ctx, targets, 0.1, pad, 0.25, d);
    return std::vector<Tensor>{ctx.log_probs, d};
  };
  ops::CrossEntropyResult r32, r64;
  auto f32 = run(DType::f32, r32), f64 = run(DType::f64, r64);
  EXPECT_NEAR(r32.loss, r64.loss, 1e-5 * std::abs(r64.loss));
  EXPECT_NEAR(r32.nll_loss, r64.nll_loss, 1e-5 * std::abs(r64.nll_loss));
  EXPECT_EQ(r32.tokens, 7);
  EXPECT_EQ(r64.tokens, 7);
  for (size_t k = 0; k < f32.size(); ++k)
    EXPECT_TRUE(test::all_close(f32[k], f64[k], 1e-5, 1e-6)) << k;
}

TEST(CrossEntropy, NonFiniteLossThrowsNamingTheFirstRow) {
  for (DType dtype : {DType::f32, DType::f64}) {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Tensor logits = make_logits(dtype, 4, 3, {0, 1, 2, 0, 1, 2, nan, 0, 0, 0, inf, 0});
    Tensor targets = make_targets({0, 1, 2, 0});
    CrossEntropyContext ctx;
    test::expect_error([&] { label_smoothed_cross_entropy_forward(logits, targets, 0.1, -1, ctx); }, {"label_smoothed_cross_entropy", "[4, 3]", "[4]", "row 2"});
  }
}

TEST(CrossEntropy, BadInputThrows) {
  Tensor logits = Tensor::zeros({3, 5}, DType::f32);
  CrossEntropyContext ctx;
  test::expect_error([&] { label_smoothed_cross_entropy_forward(logits, make_targets({0, 5, 1}), 0.1, -1, ctx); }, {"label_smoothed_cross_entropy", "target 5", "[3, 5]"});
  EXPECT_THROW(label_smoothed_cross_entropy_forward(logits, make_targets({0, -2, 1}), 0.1, -1, ctx), Error);
  EXPECT_THROW(label_smoothed_cross_entropy_forward(logits, make_targets({0, 1}), 0.1, -1, ctx), Error);
  EXPECT_THROW(label_smoothed_cross_entropy_forward(logits, Tensor::zeros({3}, DType::f32), 0.1, -1, ctx),
               Error);
  EXPECT_THROW(label_smoothed_cross_entropy_forward(logits, make_targets({0, 1, 2}), 1.5, -1, ctx), Error);
  EXPECT_THROW(label_smoothed_cross_entropy_forward(Tensor::zeros({3, 5}, DType::i32),
                                                    make_targets({0, 1, 2}), 0.1, -1, ctx),
               Error);
  // Backward: a gradient of the wrong shape, or without a forward.
  label_smoothed_cross_entropy_forward(logits, make_targets({0, 1, 2}), 0.1, -1, ctx);
  EXPECT_THROW(label_smoothed_cross_entropy_backward(ctx, make_targets({0, 1, 2}), 0.1, -1, 1.0,
                                                     Tensor::zeros({3, 4}, DType::f32)),
               Error);
  EXPECT_THROW(label_smoothed_cross_entropy_backward(CrossEntropyContext{}, make_targets({0, 1, 2}), 0.1,
                                                     -1, 1.0, Tensor::zeros({3, 5}, DType::f32)),
               Error);
}

}  // namespace
}  // namespace hat
