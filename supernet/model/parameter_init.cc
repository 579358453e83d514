// SuperTransformer::init_parameters: fairseq's initialisation, drawn from splitmix64 streams.
//
// Followed (mit-han-lab/hardware-aware-transformers): fairseq/modules/embedding_super.py
// (EmbeddingSuper.reset_parameters: normal(0, embedding_dim ** -0.5), padding row 0);
// fairseq/models/transformer_super.py (embed_out: normal(0, output_embed_dim ** -0.5); fc1/fc2
// are LinearSuper with uniform_ = init.uniform_, which fairseq/init.py leaves None for the
// default init_method 'xavier', so nn.init.xavier_uniform_ and zero bias);
// fairseq/modules/multihead_attention_super.py (reset_parameters: xavier_uniform_ on
// in_proj_weight [3 qkv, d] as one matrix, or on each of q/k/v_proj_weight, and on
// out_proj.weight; in_proj_bias and out_proj.bias 0); LayerNorm weight 1, bias 0 (PyTorch).
// Xavier uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)) over the full SuperTransformer shape.
#include <cmath>
#include <numbers>
#include <string_view>

#include "devices/random.h"
#include "supernet/model/layer_params.h"
#include "supernet/model/super_transformer.h"

namespace hat::model {

namespace {

enum class Init { xavier, zeros, ones, embedding, output_embedding };

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Init init_of(const std::string& name) {
  if (name == kEncoderEmbedName || name == kDecoderEmbedName) return Init::embedding;
  if (name == kOutputEmbedName) return Init::output_embedding;
  if (ends_with(name, "layer_norm.weight")) return Init::ones;
  if (ends_with(name, "bias")) return Init::zeros;  // .bias, in_proj_bias
  return Init::xavier;
}

// Uniform in [0, 1) from 53 bits of the stream.
double uniform(uint64_t& state) { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }

// Standard normal by Box-Muller (u1 in (0, 1], so the log is finite).
double normal(uint64_t& state) {
  const double u1 = 1.0 - uniform(state), u2 = uniform(state);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

template <typename T>
void fill(const ParameterStore::Entry& e, Init init, uint64_t seed, size_t index,
          int32_t padding_idx) {
  T* p = e.value.data<T>();
  const int64_t n = e.value.numel();
  // One stream per parameter: its values depend on the seed and its index alone.
  uint64_t state = mix64(seed + kGoldenGamma * (2 * static_cast<uint64_t>(index) + 1));
  switch (init) {
    case Init::zeros:
      std::fill_n(p, n, T(0));
      return;
    case Init::ones:
      std::fill_n(p, n, T(1));
      return;
    case Init::xavier: {
      const double fan_out = static_cast<double>(e.shape[0]), fan_in = static_cast<double>(e.shape[1]);
      const double a = std::sqrt(6.0 / (fan_in + fan_out));
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(a * (2.0 * uniform(state) - 1.0));
      return;
    }
    case Init::embedding:
    case Init::output_embedding: {
      const int64_t cols = e.shape[1];
      const double std = 1.0 / std::sqrt(static_cast<double>(cols));
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(std * normal(state));
      if (init == Init::embedding) std::fill_n(p + padding_idx * cols, cols, T(0));
      return;
    }
  }
}

}  // namespace

void SuperTransformer::init_parameters(uint64_t seed) {
  const auto& entries = params_.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const Init init = init_of(entries[i].name);
    if (params_.values().dtype() == DType::f32)
      fill<float>(entries[i], init, seed, i, dims_.padding_idx);
    else
      fill<double>(entries[i], init, seed, i, dims_.padding_idx);
  }
}

}  // namespace hat::model
