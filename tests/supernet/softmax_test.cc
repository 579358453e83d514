#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "supernet/ops/softmax.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

// Explicit softmax of each row over the keys the mask allows, computed in double (shifted by
// the row's largest allowed score so that large scores do not overflow).
Tensor naive_masked_softmax(const Tensor& scores, const ops::AttentionMask& mask) {
  const int64_t B = scores.size(0), H = scores.size(1), tq = scores.size(2), tk = scores.size(3);
  Tensor probs = Tensor::zeros(scores.shape(), DType::f64);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < tq; ++i) {
        auto allowed = [&](int64_t j) {
          if (mask.causal && j > i + (tk - tq)) return false;
          return mask.key_lengths.empty() || j < mask.key_lengths[b];
        };
        auto score = [&](int64_t j) { return test::element(scores, ((b * H + h) * tq + i) * tk + j); };
        double max = -1e300, sum = 0.0;
        for (int64_t j = 0; j < tk; ++j)
          if (allowed(j)) max = std::max(max, score(j));
        for (int64_t j = 0; j < tk; ++j)
          if (allowed(j)) sum += std::exp(score(j) - max);
        for (int64_t j = 0; j < tk; ++j)
          probs.at<double>({b, h, i, j}) = allowed(j) ? std::exp(score(j) - max) / sum : 0.0;
      }
  return probs;
}

ops::AttentionMask causal_and_padding() {
  ops::AttentionMask mask;
  mask.causal = true;
  mask.key_lengths = {5, 2};
  return mask;
}

TEST(MaskedSoftmax, GradientsMatchFiniteDifferences) {
  for (const ops::AttentionMask& mask : {ops::AttentionMask{}, causal_and_padding()}) {
    SCOPED_TRACE(mask.causal ? "causal + padding" : "no mask");
    Tensor scores = test::random_tensor({2, 3, 3, 5}, DType::f64, 1, -2.0, 2.0);
    Tensor dscores = Tensor::zeros(scores.shape(), DType::f64), probs;
    EXPECT_TRUE(test::check_gradients(
        {{"scores", scores, dscores}},
        [&] {
          ops::masked_softmax_forward(scores, mask, probs);
          return std::vector<Tensor>{probs};
        },
        [&](const std::vector<Tensor>& dprobs) {
          ops::softmax_backward(probs, dprobs[0], dscores);
        }));
  }
}

TEST(MaskedSoftmax, MatchesNaiveReferenceWithMasks) {
  // Tq < Tk: the causal mask is aligned at the end (query i sees keys j <= i + 2).
  ops::AttentionMask mask = causal_and_padding();
  for (DType dtype : {DType::f64, DType::f32}) {
    Tensor scores = test::cast(test::random_tensor({2, 3, 3, 5}, DType::f64, 2, -3.0, 3.0), dtype);
    Tensor probs;
    ops::masked_softmax_forward(scores, mask, probs);
    EXPECT_TRUE(test::all_close(test::cast(probs, DType::f64), naive_masked_softmax(scores, mask),
                                1e-6, 1e-7))
        << dtype_name(dtype);
  }
}

TEST(MaskedSoftmax, MaskedKeysGetExactlyZeroAndRowsSumToOne) {
  ops::AttentionMask mask = causal_and_padding();
  const int64_t tq = 3, tk = 5;
  for (DType dtype : {DType::f64, DType::f32}) {
    Tensor scores = test::cast(test::random_tensor({2, 2, tq, tk}, DType::f64, 3, -50, 50), dtype);
    Tensor probs;
    ops::masked_softmax_forward(scores, mask, probs);
    Tensor p = test::cast(probs, DType::f64);
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t i = 0; i < tq; ++i) {
          double sum = 0.0;
          for (int64_t j = 0; j < tk; ++j) {
            const double value = p.at<double>({b, h, i, j});
            const bool masked = j > i + (tk - tq) || j >= mask.key_lengths[b];
            if (masked) {
              EXPECT_EQ(value, 0.0) << dtype_name(dtype) << " " << b << h << i << j;
            }
            EXPECT_TRUE(std::isfinite(value));
            sum += value;
          }
          EXPECT_NEAR(sum, 1.0, 1e-6) << dtype_name(dtype);
        }
  }
}

TEST(MaskedSoftmax, CausalMaskIsAlignedAtTheEnd) {
  // One query against five cached keys (incremental decoding): every key is visible.
  ops::AttentionMask mask;
  mask.causal = true;
  Tensor scores = test::random_tensor({1, 1, 1, 5}, DType::f32, 4), probs;
  ops::masked_softmax_forward(scores, mask, probs);
  for (int64_t j = 0; j < 5; ++j) EXPECT_GT(probs.at<float>({0, 0, 0, j}), 0.0f) << j;
  // Tq == Tk: the usual lower triangle.
  Tensor square = test::random_tensor({1, 1, 4, 4}, DType::f32, 5), sp;
  ops::masked_softmax_forward(square, mask, sp);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 4; ++j) {
      if (j <= i)
        EXPECT_GT(sp.at<float>({0, 0, i, j}), 0.0f);
      else
        EXPECT_EQ(sp.at<float>({0, 0, i, j}), 0.0f);
    }
}

TEST(MaskedSoftmax, LargeScoresStayFinite) {
  const ops::AttentionMask mask = causal_and_padding();
  for (DType dtype : {DType::f64, DType::f32}) {
    Tensor scores = test::cast(test::random_tensor({2, 2, 3, 6}, DType::f64, 6, -1e4, 1e4), dtype);
    Tensor probs;
    ops::masked_softmax_forward(scores, mask, probs);
    for (double value : test::to_vector(probs)) EXPECT_TRUE(std::isfinite(value));
    EXPECT_TRUE(test::all_close(test::cast(probs, DType::f64), naive_masked_softmax(scores, mask),
                                1e-5, 1e-6))
        << dtype_name(dtype);
  }
}

TEST(MaskedSoftmax, RunsInPlace) {
  for (DType dtype : {DType::f64, DType::f32})
    for (const ops::AttentionMask& mask : {ops::AttentionMask{}, causal_and_padding()}) {
      Tensor scores = test::cast(test::random_tensor({2, 2, 3, 5}, DType::f64, 7), dtype);
      Tensor expected;
      ops::masked_softmax_forward(scores, mask, expected);
      Tensor inplace = scores.clone();
      ops::masked_softmax_forward(inplace, mask, inplace);
      EXPECT_TRUE(test::all_close(inplace, expected, 0.0, 0.0)) << dtype_name(dtype);
    }
}

TEST(SoftmaxBackward, AccumulatesWhileOverwriteWrites) {
  for (DType dtype : {DType::f64, DType::f32}) {
    Tensor probs;
    ops::masked_softmax_forward(
        test::cast(test::random_tensor({1, 2, 3, 4}, DType::f64, 11), dtype), ops::AttentionMask{},
        probs);
    Tensor dp = test::cast(test::random_tensor(probs.shape(), DType::f64, 12), dtype);
    Tensor once = Tensor::zeros(probs.shape(), dtype), twice = Tensor::zeros(probs.shape(), dtype);
    ops::softmax_backward(probs, dp, once);
    ops::softmax_backward(probs, dp, twice);
    ops::softmax_backward(probs, dp, twice);
    for (int64_t i = 0; i < once.numel(); ++i)
      EXPECT_NEAR(test::element(twice, i), 2 * test::element(once, i), 1e-6);
    Tensor overwritten = test::cast(test::random_tensor(probs.shape(), DType::f64, 13), dtype);
    ops::softmax_backward_overwrite(probs, dp, overwritten);
    EXPECT_TRUE(test::all_close(overwritten, once, 1e-6, 1e-7)) << dtype_name(dtype);
    // In place over dprobs (what attention does with its scratch buffer).
    Tensor aliased = dp.clone();
    ops::softmax_backward_overwrite(probs, aliased, aliased);
    EXPECT_TRUE(test::all_close(aliased, once, 1e-6, 1e-7)) << dtype_name(dtype);
  }
}

using test::expect_error;

TEST(MaskedSoftmax, BadMasksThrowNamingOpAndShapes) {
  Tensor scores = Tensor::zeros({2, 2, 3, 4}, DType::f32);
  auto forward = [&](ops::AttentionMask mask) {
    return [&scores, mask] {
      Tensor probs;
      ops::masked_softmax_forward(scores, mask, probs);
    };
  };
  const std::vector<std::string> names{"masked_softmax", "[2, 2, 3, 4]"};
  expect_error(forward({false, {4}}), names);          // one length for a batch of two
  expect_error(forward({false, {4, 5}}), names);       // beyond Tk
  expect_error(forward({false, {4, 0}}), names);       // a row without keys: an error, not NaN
  expect_error(forward({false, {-1, 2}}), names);
  Tensor wide = Tensor::zeros({1, 1, 4, 3}, DType::f64);  // causal with Tq > Tk
  expect_error(
      [&] {
        Tensor p;
        ops::masked_softmax_forward(wide, {true, {}}, p);
      },
      {"masked_softmax", "[1, 1, 4, 3]"});
  Tensor flat = Tensor::zeros({3, 4}, DType::f32);
  expect_error(
      [&] {
        Tensor p;
        ops::masked_softmax_forward(flat, {}, p);
      },
      {"masked_softmax", "[3, 4]"});
  Tensor wrong_probs = Tensor::zeros({2, 2, 3, 5}, DType::f32);
  expect_error([&] { ops::masked_softmax_forward(scores, {}, wrong_probs); },
               {"masked_softmax", "[2, 2, 3, 5]"});
  expect_error([&] { ops::softmax_backward(scores, wrong_probs, scores); },
               {"softmax_backward", "[2, 2, 3, 5]"});
}

}  // namespace
}  // namespace hat
