// The loops that replace oneDNN's reference implementations (arm64 without SVE): tested here on
// any CPU against double-precision sums, since the machine running the tests may never choose
// them.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "devices/cpu/dnnl_context.h"
#include "devices/cpu/implementation_log.h"
#include "devices/cpu/reference_fallback.h"

namespace hat {
namespace {

TEST(ReferenceFallback, RecognisesOneDnnReferenceImplementations) {
  EXPECT_TRUE(cpu::is_reference_implementation("ref:any"));
  EXPECT_TRUE(cpu::is_reference_implementation("ref_fused:any"));
  EXPECT_FALSE(cpu::is_reference_implementation("jit:avx512_core"));
  EXPECT_FALSE(cpu::is_reference_implementation("gemm:jit"));
  EXPECT_FALSE(cpu::is_reference_implementation("simple_layer_normalization:any"));
}

// What a board's latency row shows where a loop replaced oneDNN's reference code: the kind and
// oneDNN's implementation (here whatever this CPU has; on a Pi 4, "ref:any").
TEST(ReferenceFallback, TheLoopIsNotedWithOneDnnsKindAndImplementation) {
  const dnnl::memory::desc md({16}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a);
  const dnnl::eltwise_forward::primitive_desc pd(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference,
                                  dnnl::algorithm::eltwise_relu, md, 0.0f),
      cpu::engine());
  EXPECT_EQ(cpu::own_loop_entry(pd),
            "eltwise:own loop (oneDNN has " + std::string(pd.impl_info_str()) + ")");
  // oneDNN 2.6 calls a logsoftmax's kind softmax; the two fall back each on its own.
  const dnnl::memory::desc rows({2, 8}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab);
  const dnnl::logsoftmax_forward::primitive_desc log(
      dnnl::logsoftmax_forward::desc(dnnl::prop_kind::forward_inference, rows, 1), cpu::engine());
  const dnnl::softmax_forward::primitive_desc plain(
      dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, rows, 1), cpu::engine());
  EXPECT_EQ(cpu::own_loop_entry(log).rfind("logsoftmax:own loop (oneDNN has ", 0), 0u)
      << cpu::own_loop_entry(log);
  EXPECT_EQ(cpu::own_loop_entry(plain).rfind("softmax:own loop (oneDNN has ", 0), 0u)
      << cpu::own_loop_entry(plain);
}

TEST(ReferenceFallback, ReluZeroesNegativesInPlace) {
  std::vector<float> x = {-2.0f, -0.0f, 0.0f, 1.5f, -1e-30f, 3e20f};
  cpu::relu_loop(x.data(), x.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(x, (std::vector<float>{0.0f, 0.0f, 0.0f, 1.5f, 0.0f, 3e20f}));
}

// Rows wide enough for the parallel path, values far from 0 (the shift by the row's maximum
// keeps exp finite), against double precision.
TEST(ReferenceFallback, SoftmaxAndLogSoftmaxRowsMatchDoublePrecision) {
  const int64_t rows = 3, width = 20000;
  std::vector<float> x(rows * width);
  for (int64_t i = 0; i < rows * width; ++i)
    x[i] = static_cast<float>(100.0 * std::sin(0.37 * i) + (i / width) * 500.0);
  for (bool log : {false, true}) {
    std::vector<float> y = x;
    cpu::softmax_rows_loop(y.data(), rows, width, log);
    for (int64_t r = 0; r < rows; ++r) {
      const float* in = x.data() + r * width;
      double m = in[0], s = 0;
      for (int64_t i = 0; i < width; ++i) m = std::max(m, double(in[i]));
      for (int64_t i = 0; i < width; ++i) s += std::exp(in[i] - m);
      double total = 0;
      for (int64_t i = 0; i < width; ++i) {
        const double expected = log ? in[i] - m - std::log(s) : std::exp(in[i] - m) / s;
        const double got = y[r * width + i];
        ASSERT_NEAR(got, expected, 1e-5 * std::max(1.0, std::abs(expected))) << "row " << r << " i " << i;
        total += log ? std::exp(got) : got;
      }
      EXPECT_NEAR(total, 1.0, 1e-4) << (log ? "log-softmax" : "softmax") << " row " << r;
    }
  }
}

}  // namespace
}  // namespace hat
