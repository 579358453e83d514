// What the benchmark programs share: wall-clock timing, medians, and the reference every
// GFLOP/s figure is compared with, a plain oneDNN f32 matmul built directly.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "devices/tensor.h"
#include "supernet/arch/arch_config.h"
#include "supernet/arch/model_dims.h"

namespace hat::bench {

double seconds(const std::function<void()>& run);
double median(std::vector<double> values);

// A dense Transformer of the benchmarks (the SubTransformer equals its SuperTransformer):
// equal encoder and decoder sides, every layer at full width, attending to the last encoder
// layer.
struct DenseShape {
  const char* name;
  int64_t embed, ffn, heads, qkv, layers, vocab;
};
arch::ModelDims dense_dims(const DenseShape& shape);
arch::ArchConfig dense_arch(const DenseShape& shape);

// One oneDNN f32 matmul [M, K] x [K, N] on dense memory (deterministic non-zero inputs).
class PlainMatmul {
 public:
  PlainMatmul(int64_t M, int64_t K, int64_t N);
  void run();
  double flops() const { return 2.0 * M_ * K_ * N_; }
  // Median GFLOP/s over `repeats` runs after two warm-ups.
  double gflops(int repeats);
  const std::string& impl() const { return impl_; }  // oneDNN's implementation name

 private:
  int64_t M_, K_, N_;
  Tensor a_, b_, c_;
  dnnl::matmul primitive_;
  std::unordered_map<int, dnnl::memory> args_;
  std::string impl_;
};

}  // namespace hat::bench
