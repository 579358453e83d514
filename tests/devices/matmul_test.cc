#include <gtest/gtest.h>

#include "devices/matmul.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

// Plain triple loop in double: the independent reference for both backends.
Tensor naive_matmul(const Tensor& a, const Tensor& b) {
  const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  Tensor c = Tensor::zeros({M, N}, DType::f64);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += test::element(a, m * K + k) * test::element(b, k * N + n);
      c.at<double>({m, n}) = s;
    }
  return c;
}

class MatmulTest : public ::testing::TestWithParam<DType> {};

TEST_P(MatmulTest, SlicedTransposedWeightMatchesNaive) {
  const DType dtype = GetParam();
  Tensor x = test::random_tensor({7, 5}, dtype, 1);
  Tensor w_full = test::random_tensor({9, 8}, dtype, 2);  // [out_max, in_max]
  Tensor w = w_full.leading({6, 5});                    // W[:6, :5]
  Tensor y = Tensor::zeros({7, 6}, dtype);
  matmul(x, w.transpose(0, 1), y);
  Tensor expected = naive_matmul(test::cast(x, DType::f64), test::cast(w.transpose(0, 1).clone(), DType::f64));
  EXPECT_TRUE(test::all_close(y, expected, 1e-5, 1e-6));
}

TEST_P(MatmulTest, AlphaBetaAndBias) {
  const DType dtype = GetParam();
  Tensor a = test::random_tensor({4, 3}, dtype, 3);
  Tensor b = test::random_tensor({3, 5}, dtype, 4);
  Tensor c0 = test::random_tensor({4, 5}, dtype, 5);
  Tensor c = c0.clone();
  matmul(a, b, c, 0.5, 2.0);
  Tensor ab = naive_matmul(test::cast(a, DType::f64), test::cast(b, DType::f64));
  for (int64_t i = 0; i < c.numel(); ++i)
    EXPECT_NEAR(test::element(c, i), 0.5 * test::element(ab, i) + 2.0 * test::element(c0, i), 1e-5);

  Tensor bias_full = test::random_tensor({8}, dtype, 6);
  Tensor bias = bias_full.leading({5});
  Tensor d = Tensor::zeros({4, 5}, dtype);
  matmul(a, b, d, 1.0, 0.0, &bias);
  for (int64_t m = 0; m < 4; ++m)
    for (int64_t n = 0; n < 5; ++n)
      EXPECT_NEAR(test::element(d, m * 5 + n), ab.at<double>({m, n}) + test::element(bias, n), 1e-5);
}

TEST_P(MatmulTest, BatchedStridedOperands) {
  const DType dtype = GetParam();
  // a: [2, 3, 4, 5] seen as a permutation of a dense [2, 4, 3, 5] tensor.
  Tensor a = test::random_tensor({2, 4, 3, 5}, dtype, 7).transpose(1, 2);
  Tensor b = test::random_tensor({2, 3, 6, 5}, dtype, 8).transpose(2, 3);  // [2, 3, 5, 6]
  Tensor c = Tensor::zeros({2, 3, 4, 6}, dtype);
  matmul(a, b, c);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      Tensor ai = a.narrow(0, i, 1).narrow(1, j, 1).clone().reshape({4, 5});
      Tensor bi = b.narrow(0, i, 1).narrow(1, j, 1).clone().reshape({5, 6});
      Tensor ci = c.narrow(0, i, 1).narrow(1, j, 1).clone().reshape({4, 6});
      EXPECT_TRUE(test::all_close(ci, naive_matmul(test::cast(ai, DType::f64), test::cast(bi, DType::f64)), 1e-5, 1e-6));
    }
}

TEST_P(MatmulTest, MismatchedShapesThrowNamingThem) {
  const DType dtype = GetParam();
  Tensor a = Tensor::zeros({4, 3}, dtype), b = Tensor::zeros({4, 5}, dtype),
         c = Tensor::zeros({4, 5}, dtype);
  try {
    matmul(a, b, c);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("matmul"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[4, 3]"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Types, MatmulTest, ::testing::Values(DType::f32, DType::f64),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

}  // namespace
}  // namespace hat
