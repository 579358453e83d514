#include "bench/bench_common.h"

#include <algorithm>
#include <chrono>

#include "devices/cpu/dnnl_context.h"

namespace hat::bench {

double seconds(const std::function<void()>& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  HAT_CHECK(!values.empty(), "bench: median of no values");
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

arch::ModelDims dense_dims(const DenseShape& s) {
  arch::ModelDims dims;
  dims.vocab_size = s.vocab;
  dims.encoder_embed_max = dims.decoder_embed_max = s.embed;
  dims.encoder_ffn_max = dims.decoder_ffn_max = s.ffn;
  dims.encoder_layers_max = dims.decoder_layers_max = s.layers;
  dims.qkv_dim = s.qkv;
  return dims;
}

arch::ArchConfig dense_arch(const DenseShape& s) {
  arch::ArchConfig arch;
  arch.encoder_embed_dim = arch.decoder_embed_dim = s.embed;
  arch.encoder_layers = arch.decoder_layers = s.layers;
  arch.encoder_ffn_dims.assign(s.layers, s.ffn);
  arch.decoder_ffn_dims.assign(s.layers, s.ffn);
  arch.encoder_self_heads.assign(s.layers, s.heads);
  arch.decoder_self_heads.assign(s.layers, s.heads);
  arch.decoder_ende_heads.assign(s.layers, s.heads);
  arch.decoder_ende_layers.assign(s.layers, 1);
  return arch;
}

PlainMatmul::PlainMatmul(int64_t M, int64_t K, int64_t N)
    : M_(M), K_(K), N_(N), a_(Tensor::zeros({M, K}, DType::f32)),
      b_(Tensor::zeros({K, N}, DType::f32)), c_(Tensor::zeros({M, N}, DType::f32)) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  for (int64_t i = 0; i < a_.numel(); ++i) a_.data<float>()[i] = 0.01f * static_cast<float>(i % 7);
  for (int64_t i = 0; i < b_.numel(); ++i) b_.data<float>()[i] = 0.02f * static_cast<float>(i % 5);
  const dnnl::memory::desc a({M, K}, dt::f32, tag::ab), b({K, N}, dt::f32, tag::ab),
      c({M, N}, dt::f32, tag::ab);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), cpu::engine());
  impl_ = pd.impl_info_str();
  primitive_ = dnnl::matmul(pd);
  args_ = {{DNNL_ARG_SRC, dnnl::memory(a, cpu::engine(), a_.raw())},
           {DNNL_ARG_WEIGHTS, dnnl::memory(b, cpu::engine(), b_.raw())},
           {DNNL_ARG_DST, dnnl::memory(c, cpu::engine(), c_.raw())}};
}

void PlainMatmul::run() {
  primitive_.execute(cpu::stream(), args_);
  cpu::stream().wait();
}

double PlainMatmul::gflops(int repeats) {
  std::vector<double> times;
  for (int i = 0; i < repeats + 2; ++i) {
    const double t = seconds([&] { run(); });
    if (i >= 2) times.push_back(t);
  }
  return flops() / median(times) / 1e9;
}

}  // namespace hat::bench
