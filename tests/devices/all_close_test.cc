// Tests of test::all_close, the comparison behind most op tests: it must not pass a wrong result,
// wherever the wrong element is (a NaN or an infinity used to slip through anywhere but last).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tests/support/test_util.h"

namespace hat {
namespace {

Tensor filled(DType dtype, int64_t n, double value) {
  Tensor t = Tensor::zeros({n}, dtype);
  for (int64_t i = 0; i < n; ++i) {
    if (dtype == DType::f32)
      t.data<float>()[i] = static_cast<float>(value);
    else
      t.data<double>()[i] = value;
  }
  return t;
}

void set(const Tensor& t, int64_t i, double value) {
  if (t.dtype() == DType::f32)
    t.data<float>()[i] = static_cast<float>(value);
  else
    t.data<double>()[i] = value;
}

TEST(AllClose, NanOrInfinityFailsInEveryPositionOnEitherSideAndIsNamed) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const int64_t n = 6;
  for (DType dtype : {DType::f32, DType::f64})
    for (double bad : {nan, inf, -inf})
      for (int64_t pos = 0; pos < n; ++pos)
        for (bool in_actual : {true, false}) {
          const Tensor actual = filled(dtype, n, 0.5), expected = filled(dtype, n, 0.5);
          set(in_actual ? actual : expected, pos, bad);
          const ::testing::AssertionResult r = test::all_close(actual, expected, 1e-5, 1e-6);
          EXPECT_FALSE(r) << dtype_name(dtype) << " " << bad << " at " << pos;
          EXPECT_NE(std::string(r.message()).find("element " + std::to_string(pos) + " of"),
                    std::string::npos)
              << r.message();
        }
}

TEST(AllClose, NanFailsEvenWhenEveryOtherElementIsWithinTolerance) {
  // Later elements with a small, non-zero error must not overwrite the NaN held as the worst.
  const Tensor expected = filled(DType::f64, 5, 1.0), actual = filled(DType::f64, 5, 1.0 + 1e-9);
  set(actual, 1, std::numeric_limits<double>::quiet_NaN());
  EXPECT_FALSE(test::all_close(actual, expected, 1e-5, 1e-6));
  set(expected, 1, std::numeric_limits<double>::quiet_NaN());  // NaN on both sides: still wrong
  EXPECT_FALSE(test::all_close(actual, expected, 1e-5, 1e-6));
}

TEST(AllClose, EqualInfinitiesMatchAndOppositeOnesDoNot) {
  const double inf = std::numeric_limits<double>::infinity();
  Tensor a = filled(DType::f32, 4, 2.0), b = filled(DType::f32, 4, 2.0);
  set(a, 2, -inf);
  set(b, 2, -inf);
  EXPECT_TRUE(test::all_close(a, b, 1e-5, 0.0));
  set(b, 2, inf);
  EXPECT_FALSE(test::all_close(a, b, 1e-5, 0.0));
}

TEST(AllClose, ReportsTheWorstElementAndRespectsTheTolerance) {
  const Tensor expected = filled(DType::f64, 5, 1.0), actual = filled(DType::f64, 5, 1.0);
  set(actual, 1, 1.0 + 0.5e-5);  // half the tolerance 1e-5 * 1
  EXPECT_TRUE(test::all_close(actual, expected, 1e-5, 0.0));
  set(actual, 3, 1.0 + 4e-5);  // 4 tolerances: the worst
  set(actual, 4, 1.0 + 2e-5);
  const ::testing::AssertionResult r = test::all_close(actual, expected, 1e-5, 0.0);
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("element 3 of"), std::string::npos) << r.message();
  EXPECT_FALSE(test::all_close(actual, filled(DType::f64, 4, 1.0), 1.0, 1.0));  // shapes differ
}

}  // namespace
}  // namespace hat
