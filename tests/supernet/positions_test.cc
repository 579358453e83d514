// Sinusoidal positions: the fairseq table by hand, slicing at max width, gradients, bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "supernet/ops/positions.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

TEST(Positions, TableMatchesTheFairseqFormulaByHand) {
  // max_dim 6: half = 3, f_j = exp(-j ln(10000) / 2) = 1, 1/100, 1/10000.
  const double f[3] = {1.0, 0.01, 0.0001};
  for (int64_t max_dim : {6, 7}) {  // 7: the same plus a zero last column
    Tensor table = ops::sinusoidal_table(5, max_dim, /*padding_idx=*/1, DType::f64);
    ASSERT_EQ(table.shape(), (Shape{5, max_dim}));
    for (int64_t p = 0; p < 5; ++p) {
      for (int64_t j = 0; j < 3; ++j) {
        const double sin_v = p == 1 ? 0.0 : std::sin(p * f[j]);
        const double cos_v = p == 1 ? 0.0 : std::cos(p * f[j]);
        EXPECT_NEAR(table.at<double>({p, j}), sin_v, 1e-15) << p << "," << j;      // sin block
        EXPECT_NEAR(table.at<double>({p, 3 + j}), cos_v, 1e-15) << p << "," << j;  // cos block
      }
      if (max_dim == 7) {
        EXPECT_EQ(table.at<double>({p, 6}), 0.0);
      }
    }
    // Row 0 (not padding): sin 0 = 0, cos 0 = 1.
    EXPECT_EQ(table.at<double>({0, 0}), 0.0);
    EXPECT_EQ(table.at<double>({0, 3}), 1.0);
  }
  // A literal value: position 2, column 1 of a width-6 table is sin(0.02).
  EXPECT_NEAR(ops::sinusoidal_table(4, 6, 1, DType::f64).at<double>({2, 1}), 0.019998666693333,
              1e-14);
  // No padding row when padding_idx < 0.
  EXPECT_NEAR(ops::sinusoidal_table(3, 6, -1, DType::f64).at<double>({1, 3}), std::cos(1.0), 1e-15);
  // f32 is the double table rounded.
  EXPECT_TRUE(test::all_close(ops::sinusoidal_table(40, 10, 1, DType::f32),
                              ops::sinusoidal_table(40, 10, 1, DType::f64), 1e-6, 1e-7));
}

TEST(Positions, SlicedWidthIsTheLeadingColumnsOfTheMaxWidthTable) {
  // HAT builds the table once at the SuperTransformer's width and slices it per SubTransformer.
  const Tensor table = ops::sinusoidal_table(12, 8, 1, DType::f64);
  Tensor x = Tensor::zeros({2, 3, 4}, DType::f64), y;
  ops::add_positions_forward(x, table, /*first_position=*/2, y);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < 3; ++t)
      for (int64_t c = 0; c < 4; ++c)
        EXPECT_EQ(y.at<double>({b, t, c}), table.at<double>({2 + t, c})) << b << t << c;
  // Which is not the table one would build at width 4: slicing matters.
  const Tensor narrow = ops::sinusoidal_table(12, 4, 1, DType::f64);
  EXPECT_GT(std::abs(narrow.at<double>({3, 1}) - table.at<double>({3, 1})), 1e-3);
}

TEST(Positions, FirstTokenUsesRowPaddingIdxPlusOneAndAddsToX) {
  const int64_t pad = 1;
  const Tensor table = ops::sinusoidal_table(10, 6, pad, DType::f64);
  for (int64_t c = 0; c < 6; ++c) EXPECT_EQ(table.at<double>({pad, c}), 0.0);
  Tensor x = test::random_tensor({1, 2, 6}, DType::f64, 41), y;
  ops::add_positions_forward(x, table, pad + 1, y);
  for (int64_t c = 0; c < 6; ++c) {
    EXPECT_EQ(y.at<double>({0, 0, c}), x.at<double>({0, 0, c}) + table.at<double>({2, c}));
    EXPECT_EQ(y.at<double>({0, 1, c}), x.at<double>({0, 1, c}) + table.at<double>({3, c}));
  }
  // Incremental decoding: one step at a later position.
  Tensor step = test::random_tensor({3, 1, 6}, DType::f64, 42), ys;
  ops::add_positions_forward(step, table, 7, ys);
  EXPECT_EQ(ys.at<double>({2, 0, 5}), step.at<double>({2, 0, 5}) + table.at<double>({7, 5}));
}

TEST(Positions, InPlaceEqualsOutOfPlace) {
  const Tensor table = ops::sinusoidal_table(16, 8, 1, DType::f32);
  Tensor x = test::random_tensor({3, 5, 6}, DType::f32, 43), y;
  ops::add_positions_forward(x, table, 2, y);
  Tensor inplace = x.clone();
  ops::add_positions_forward(inplace, table, 2, inplace);
  EXPECT_TRUE(test::all_close(inplace, y, 0, 0));
}

TEST(Positions, GradientMatchesFiniteDifferences) {
  const Tensor table = ops::sinusoidal_table(10, 8, 1, DType::f64);
  Tensor x = test::random_tensor({2, 3, 5}, DType::f64, 44), dx = Tensor::zeros({2, 3, 5}, DType::f64);
  Tensor y;
  EXPECT_TRUE(test::check_gradients(
      {{"x", x, dx}},
      [&] {
        ops::add_positions_forward(x, table, 2, y);
        return std::vector<Tensor>{y};
      },
      [&](const std::vector<Tensor>& dy) { ops::add_positions_backward(dy[0], dx); }));
}

TEST(Positions, BadInputThrowsNamingTheShapes) {
  const Tensor table = ops::sinusoidal_table(6, 8, 1, DType::f32);
  Tensor x = Tensor::zeros({2, 4, 5}, DType::f32), y;
  try {
    ops::add_positions_forward(x, table, 3, y);  // positions 3..6, the table ends at 5
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("add_positions"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[2, 4, 5]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[6, 8]"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(ops::add_positions_forward(x, table, 2, y));
  EXPECT_THROW(ops::add_positions_forward(x, table, -1, y), Error);
  Tensor wide = Tensor::zeros({1, 2, 9}, DType::f32), yw;
  EXPECT_THROW(ops::add_positions_forward(wide, table, 2, yw), Error);  // d > max_dim
  Tensor x64 = Tensor::zeros({2, 4, 5}, DType::f64), y64;
  EXPECT_THROW(ops::add_positions_forward(x64, table, 0, y64), Error);  // type mismatch
  Tensor flat = Tensor::zeros({4, 5}, DType::f32), yf;
  EXPECT_THROW(ops::add_positions_forward(flat, table, 0, yf), Error);  // not [B, T, d]
  EXPECT_THROW(ops::add_positions_backward(x, Tensor::zeros({2, 4, 4}, DType::f32)), Error);
  EXPECT_THROW(ops::sinusoidal_table(10, 3, 1, DType::f32), Error);   // half - 1 == 0
  EXPECT_THROW(ops::sinusoidal_table(10, 8, 10, DType::f32), Error);  // padding row past the end
  EXPECT_THROW(ops::sinusoidal_table(10, 8, 1, DType::i32), Error);
}

}  // namespace
}  // namespace hat
