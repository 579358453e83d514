// Helpers of the SuperTransformer tests: tiny model dimensions, SubTransformers that use every
// feature (sliced widths, per-layer heads and FFN dims, arbitrary encoder-decoder attention),
// and batches built from token lists.
#pragma once

#include <vector>

#include "supernet/model/super_transformer.h"
#include "tests/support/test_util.h"

namespace hat::test {

inline arch::ModelDims tiny_dims(bool shared = true) {
  arch::ModelDims d;
  d.vocab_size = 13;
  d.encoder_embed_max = 8;
  d.decoder_embed_max = shared ? 8 : 10;
  d.encoder_ffn_max = 12;
  d.decoder_ffn_max = 12;
  d.encoder_layers_max = 3;
  d.decoder_layers_max = 2;
  d.qkv_dim = 4;
  d.max_positions = 16;
  d.share_all_embeddings = shared;
  return d;
}

// Smaller than the maxima everywhere it can be; decoder layers attend to the last 2 and 3
// encoder layers.
inline arch::ArchConfig tiny_arch() {
  arch::ArchConfig a;
  a.encoder_embed_dim = 6;
  a.decoder_embed_dim = 6;
  a.encoder_layers = 3;
  a.decoder_layers = 2;
  a.encoder_ffn_dims = {10, 7, 12};
  a.encoder_self_heads = {2, 1, 4};
  a.decoder_ffn_dims = {9, 12};
  a.decoder_self_heads = {4, 2};
  a.decoder_ende_heads = {1, 2};
  a.decoder_ende_layers = {2, 3};
  return a;
}

// The SuperTransformer's own maxima as a SubTransformer.
inline arch::ArchConfig full_width_arch(const arch::ModelDims& d, int64_t heads = 2) {
  arch::ArchConfig a;
  a.encoder_embed_dim = d.encoder_embed_max;
  a.decoder_embed_dim = d.decoder_embed_max;
  a.encoder_layers = d.encoder_layers_max;
  a.decoder_layers = d.decoder_layers_max;
  a.encoder_ffn_dims.assign(a.encoder_layers, d.encoder_ffn_max);
  a.encoder_self_heads.assign(a.encoder_layers, heads);
  a.decoder_ffn_dims.assign(a.decoder_layers, d.decoder_ffn_max);
  a.decoder_self_heads.assign(a.decoder_layers, heads);
  a.decoder_ende_heads.assign(a.decoder_layers, heads);
  a.decoder_ende_layers.assign(a.decoder_layers, 1);
  return a;
}

// Rows of token ids (without eos): source rows gain eos, targets become fairseq's decoder input
// (eos, y1 .. y(n-1)) and output (y1 .. yn-1, eos); both right-padded with 1.
inline model::ModelBatch make_batch(const std::vector<std::vector<int32_t>>& sources,
                                    const std::vector<std::vector<int32_t>>& targets) {
  const int32_t pad = 1, eos = 2;
  model::ModelBatch b;
  const int64_t rows = static_cast<int64_t>(sources.size());
  int64_t S = 0, T = 0;
  for (const auto& s : sources) S = std::max<int64_t>(S, s.size() + 1);
  for (const auto& t : targets) T = std::max<int64_t>(T, t.size() + 1);
  b.source = Tensor::zeros({rows, S}, DType::i32);
  b.target_input = Tensor::zeros({rows, T}, DType::i32);
  b.target_output = Tensor::zeros({rows, T}, DType::i32);
  for (int64_t r = 0; r < rows; ++r) {
    const auto& s = sources[r];
    const auto& t = targets[r];
    for (int64_t i = 0; i < S; ++i) {
      const int64_t n = static_cast<int64_t>(s.size());
      b.source.at<int32_t>({r, i}) = i < n ? s[i] : (i == n ? eos : pad);
    }
    const int64_t n = static_cast<int64_t>(t.size()) + 1;
    for (int64_t i = 0; i < T; ++i) {
      b.target_input.at<int32_t>({r, i}) = i == 0 ? eos : (i < n ? t[i - 1] : pad);
      b.target_output.at<int32_t>({r, i}) = i < n - 1 ? t[i] : (i == n - 1 ? eos : pad);
    }
    b.source_lengths.push_back(static_cast<int32_t>(s.size() + 1));
    b.target_lengths.push_back(static_cast<int32_t>(n));
    b.target_tokens += n;
  }
  return b;
}

// Two rows of different lengths (the second padded on both sides).
inline model::ModelBatch tiny_batch() {
  return make_batch({{4, 9, 11, 5, 7}, {12, 6, 8}}, {{5, 10, 4, 12}, {7, 9}});
}

// Every parameter uniform in [-0.5, 0.5), LayerNorm gammas around 1: no symmetry left.
inline void randomize(model::SuperTransformer& model, uint64_t seed) {
  for (const auto& e : model.parameters().entries()) {
    Tensor r = random_tensor(e.shape, DType::f64, seed++, -0.5, 0.5);
    if (e.name.find("layer_norm.weight") != std::string::npos)
      for (int64_t i = 0; i < r.numel(); ++i) r.data<double>()[i] += 1.0;
    e.value.copy_from(cast(r, e.value.dtype()));
  }
}

// A copy of src's parameter values into dst (same dims, any types; entry by entry, since the
// flat buffers' alignment padding depends on the type).
inline void copy_parameters(const model::SuperTransformer& src, model::SuperTransformer& dst) {
  for (const auto& e : src.parameters().entries())
    dst.parameters().value(e.name).copy_from(cast(e.value, dst.parameters().value(e.name).dtype()));
}

// Each parameter's gradient as a dense f64 copy, by entry.
inline std::vector<Tensor> gradients(const model::SuperTransformer& model) {
  std::vector<Tensor> out;
  for (const auto& e : model.parameters().entries()) out.push_back(cast(e.grad, DType::f64));
  return out;
}

}  // namespace hat::test
