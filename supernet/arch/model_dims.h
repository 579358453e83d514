// The SuperTransformer's shape: the maxima every SubTransformer slices from, and the
// vocabulary. Derived from a search space and a data directory.
#pragma once

#include <cstdint>

namespace hat::arch {

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

  // What a standalone (exported) SubTransformer keeps of the SuperTransformer it was cut from,
  // so that it computes exactly what it computed there; 0 means "this model's own maximum".
  // HAT builds the sinusoidal table at the super embed width and slices it, and a table built
  // at width d is not the slice of one built at d_max (the frequencies depend on the width):
  int64_t encoder_positions_dim = 0;  // width of the encoder's table (0: encoder_embed_max)
  int64_t decoder_positions_dim = 0;  // width of the decoder's table (0: decoder_embed_max)
  // HAT's arbitrary encoder-decoder attention indexes a list with one output per SUPER encoder
  // layer from its end (layers past the sampled count repeat the last active output):
  int64_t ende_encoder_layers = 0;    // length of that list (0: encoder_layers_max)

  bool operator==(const ModelDims&) const = default;
};

inline int64_t encoder_positions_width(const ModelDims& d) {
  return d.encoder_positions_dim > 0 ? d.encoder_positions_dim : d.encoder_embed_max;
}
inline int64_t decoder_positions_width(const ModelDims& d) {
  return d.decoder_positions_dim > 0 ? d.decoder_positions_dim : d.decoder_embed_max;
}
inline int64_t ende_list_layers(const ModelDims& d) {
  return d.ende_encoder_layers > 0 ? d.ende_encoder_layers : d.encoder_layers_max;
}

// Encoder layer whose output segment j (0: the last) of HAT's encoder_out_all[-1 - j] is, for a
// SubTransformer with `active_layers` encoder layers.
inline int64_t ende_source_layer(const ModelDims& d, int64_t active_layers, int64_t j) {
  const int64_t layer = ende_list_layers(d) - 1 - j;
  return layer < active_layers - 1 ? layer : active_layers - 1;
}

}  // namespace hat::arch
