// A SubTransformer architecture: HAT's choices (docs/DESIGN.md), one per global dimension
// and one per layer. Plain data; its canonical YAML form, hash and validation against a search
// space live in arch_yaml.h and search_space.h.
#pragma once

#include <cstdint>
#include <vector>

namespace hat::arch {

struct ArchConfig {
  int64_t encoder_embed_dim = 0;
  int64_t decoder_embed_dim = 0;
  int64_t encoder_layers = 0;
  int64_t decoder_layers = 0;
  // One entry per active layer (sizes encoder_layers and decoder_layers).
  std::vector<int64_t> encoder_ffn_dims;
  std::vector<int64_t> encoder_self_heads;
  std::vector<int64_t> decoder_ffn_dims;
  std::vector<int64_t> decoder_self_heads;
  std::vector<int64_t> decoder_ende_heads;
  // Arbitrary encoder-decoder attention: decoder layer i attends to the outputs of the last
  // decoder_ende_layers[i] encoder layers (1, 2 or 3), concatenated along time. HAT's YAML
  // writes this as -1 (last one), 1 (last two), 2 (last three).
  std::vector<int64_t> decoder_ende_layers;

  bool operator==(const ArchConfig&) const = default;
};

// HAT's encoding of the arbitrary encoder-decoder attention and ours.
inline int64_t ende_layers_from_hat(int64_t hat_value) { return hat_value == -1 ? 1 : hat_value + 1; }
inline int64_t ende_layers_to_hat(int64_t layers) { return layers == 1 ? -1 : layers - 1; }

}  // namespace hat::arch
