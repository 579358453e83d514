// The SuperTransformer's shape: the maxima every SubTransformer slices from, and the
// vocabulary. Derived from a search space and a data directory.
#pragma once

#include <cstdint>

namespace hat {

struct ModelDims {
  int64_t vocab_size = 0;
  int64_t encoder_embed_max = 0;
  int64_t decoder_embed_max = 0;
  int64_t encoder_ffn_max = 0;
  int64_t decoder_ffn_max = 0;
  int64_t encoder_layers_max = 0;
  int64_t decoder_layers_max = 0;
  int64_t qkv_dim = 0;              // fixed Q/K/V width (HAT: 512); head dim = qkv_dim / heads
  int64_t max_positions = 1024;     // rows of the sinusoidal table (fairseq: 1024 + padding_idx + 1)
  bool share_all_embeddings = true; // one [V, d_max] matrix for source, target and output
  int32_t padding_idx = 1;          // fairseq's pad id; bos 0, eos 2, unk 3

  bool operator==(const ModelDims&) const = default;
};

}  // namespace hat
