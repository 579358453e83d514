// Helpers shared by the test suites: seeded random tensors, comparisons, and the
// finite-difference gradient check every differentiable op goes through.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "devices/tensor.h"

namespace hat::test {

// Dense tensor with values uniform in [lo, hi), reproducible from the seed.
Tensor random_tensor(const Shape& shape, DType dtype, uint64_t seed, double lo = -1.0,
                     double hi = 1.0);
// Same values, another floating type (dense copy).
Tensor cast(const Tensor& t, DType dtype);
// Element i of a floating tensor in row-major order, any strides.
double element(const Tensor& t, int64_t i);
std::vector<double> to_vector(const Tensor& t);

// Max |a - b| / (atol + rtol |b|) <= 1 over all elements, with the worst element reported. A NaN
// on either side, or an infinity not matched by the same infinity, fails wherever it is.
::testing::AssertionResult all_close(const Tensor& a, const Tensor& b, double rtol, double atol);

// Same shape, type and bytes (bit-for-bit equality, NaNs included).
bool same_bytes(const Tensor& a, const Tensor& b);

// A fixture with a fresh directory per test (in the system temp directory, named after the
// process and the test), removed afterwards.
class TempDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // The sorted names of the entries of root_.
  std::vector<std::string> names() const;
  std::filesystem::path root_;
};

// Expects `call` to throw hat::Error whose message contains every one of `parts` (the op's
// name, the offending shapes...).
void expect_error(const std::function<void()>& call, const std::vector<std::string>& parts);

// One input of a gradient check: its values (perturbed in place) and the gradient the
// analytic backward accumulates into.
struct GradInput {
  std::string name;
  Tensor value;
  Tensor grad;
};

struct GradCheckOptions {
  double eps = 1e-6;   // central-difference step
  double rtol = 1e-5;  // per-element tolerance: |analytic - numeric| <= atol + rtol |numeric|
  double atol = 1e-7;
  uint64_t seed = 7;   // for the random output weights
};

// Checks d(sum_k w_k out_k)/d input against central differences for every element of every
// input, with random weights w on the outputs. `forward` recomputes the outputs from the
// current input values; `backward(w)` must accumulate the analytic gradient into each
// input's `grad` (zeroed beforehand by the check).
::testing::AssertionResult check_gradients(std::vector<GradInput> inputs,
                                           const std::function<std::vector<Tensor>()>& forward,
                                           const std::function<void(const std::vector<Tensor>&)>& backward,
                                           const GradCheckOptions& options = {});

}  // namespace hat::test
