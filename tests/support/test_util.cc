#include "tests/support/test_util.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace hat::test {

Tensor random_tensor(const Shape& shape, DType dtype, uint64_t seed, double lo, double hi) {
  Tensor t = Tensor::zeros(shape, dtype);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double v = dist(rng);
    if (dtype == DType::f32)
      t.data<float>()[i] = static_cast<float>(v);
    else
      t.data<double>()[i] = v;
  }
  return t;
}

double element(const Tensor& t, int64_t i) {
  int64_t offset = 0;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    offset += (i % t.size(d)) * t.stride(d);
    i /= t.size(d);
  }
  switch (t.dtype()) {
    case DType::f32: return t.data<float>()[offset];
    case DType::f64: return t.data<double>()[offset];
    case DType::i32: return t.data<int32_t>()[offset];
  }
  return 0;
}

std::vector<double> to_vector(const Tensor& t) {
  std::vector<double> v(t.numel());
  for (int64_t i = 0; i < t.numel(); ++i) v[i] = element(t, i);
  return v;
}

Tensor cast(const Tensor& t, DType dtype) {
  Tensor out = Tensor::zeros(t.shape(), dtype);
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double v = element(t, i);
    if (dtype == DType::f32)
      out.data<float>()[i] = static_cast<float>(v);
    else if (dtype == DType::f64)
      out.data<double>()[i] = v;
    else
      out.data<int32_t>()[i] = static_cast<int32_t>(v);
  }
  return out;
}

namespace {
// How far x is from the expected y, in tolerances (atol + rtol |y|): 0 when they are equal
// (infinities of one sign included), +inf when either is NaN or only one is infinite, so that
// no finite ratio can hide them.
double tolerance_ratio(double x, double y, double rtol, double atol) {
  if (x == y) return 0;
  if (!std::isfinite(x) || !std::isfinite(y)) return HUGE_VAL;
  const double diff = std::abs(x - y), tol = atol + rtol * std::abs(y);
  return tol > 0 ? diff / tol : HUGE_VAL;
}
}  // namespace

::testing::AssertionResult all_close(const Tensor& a, const Tensor& b, double rtol, double atol) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure() << "shapes differ: " << a.describe() << " vs "
                                         << b.describe();
  double worst = 0;  // the first element with the largest ratio is reported
  int64_t worst_i = -1;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double ratio = tolerance_ratio(element(a, i), element(b, i), rtol, atol);
    if (ratio > worst) {
      worst = ratio;
      worst_i = i;
    }
  }
  if (worst <= 1.0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "element " << worst_i << " of " << a.describe() << ": " << element(a, worst_i)
         << " vs " << element(b, worst_i) << " (" << worst << " x tolerance)";
}

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.raw(), b.raw(), a.numel() * dtype_size(a.dtype())) == 0;
}

void TempDirectoryTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  root_ = std::filesystem::temp_directory_path() /
          str("hat_", info->test_suite_name(), "_", info->name(), "_", ::getpid());
  std::filesystem::remove_all(root_);
}

void TempDirectoryTest::TearDown() { std::filesystem::remove_all(root_); }

std::vector<std::string> TempDirectoryTest::names() const {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(root_))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void expect_error(const std::function<void()>& call, const std::vector<std::string>& parts) {
  try {
    call();
    ADD_FAILURE() << "no hat::Error thrown";
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const std::string& part : parts)
      EXPECT_NE(msg.find(part), std::string::npos) << "'" << part << "' not in: " << msg;
  }
}

namespace {
double& scalar_ref(const Tensor& t, int64_t i) {
  int64_t offset = 0;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    offset += (i % t.size(d)) * t.stride(d);
    i /= t.size(d);
  }
  return t.data<double>()[offset];
}

double weighted_sum(const std::vector<Tensor>& outputs, const std::vector<Tensor>& weights) {
  double sum = 0;
  for (size_t k = 0; k < outputs.size(); ++k)
    for (int64_t i = 0; i < outputs[k].numel(); ++i)
      sum += element(outputs[k], i) * element(weights[k], i);
  return sum;
}
}  // namespace

::testing::AssertionResult check_gradients(
    std::vector<GradInput> inputs, const std::function<std::vector<Tensor>()>& forward,
    const std::function<void(const std::vector<Tensor>&)>& backward,
    const GradCheckOptions& options) {
  // Analytic: weights on the outputs play the role of dL/dout.
  std::vector<Tensor> outputs = forward();
  std::vector<Tensor> weights;
  for (size_t k = 0; k < outputs.size(); ++k)
    weights.push_back(random_tensor(outputs[k].shape(), DType::f64, options.seed + k));
  for (GradInput& in : inputs) in.grad.zero_();
  backward(weights);

  for (GradInput& in : inputs) {
    if (in.value.dtype() != DType::f64)
      return ::testing::AssertionFailure() << in.name << " is not f64";
    for (int64_t i = 0; i < in.value.numel(); ++i) {
      double& v = scalar_ref(in.value, i);
      const double saved = v;
      v = saved + options.eps;
      const double plus = weighted_sum(forward(), weights);
      v = saved - options.eps;
      const double minus = weighted_sum(forward(), weights);
      v = saved;
      const double numeric = (plus - minus) / (2 * options.eps);
      const double analytic = element(in.grad, i);
      if (!(std::abs(analytic - numeric) <= options.atol + options.rtol * std::abs(numeric)))
        return ::testing::AssertionFailure()
               << "d/d " << in.name << "[" << i << "] of " << in.value.describe()
               << ": analytic " << analytic << ", numeric " << numeric;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace hat::test
