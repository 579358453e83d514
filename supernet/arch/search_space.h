// A SubTransformer search space (HAT's `*-choice` lists) over a SuperTransformer (its maxima):
// validation, uniform sampling, and the largest and smallest SubTransformers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/model_dims.h"

namespace hat::arch {

struct SearchSpace {
  std::string name;  // e.g. "wmt14.en-de", "default"
  // The SuperTransformer (vocab_size is 0 here: it comes from the data directory).
  ModelDims super_dims;
  std::vector<int64_t> encoder_embed_choices;
  std::vector<int64_t> decoder_embed_choices;
  std::vector<int64_t> encoder_ffn_choices;
  std::vector<int64_t> decoder_ffn_choices;
  std::vector<int64_t> encoder_layer_choices;
  std::vector<int64_t> decoder_layer_choices;
  std::vector<int64_t> encoder_self_heads_choices;
  std::vector<int64_t> decoder_self_heads_choices;
  std::vector<int64_t> decoder_ende_heads_choices;
  std::vector<int64_t> decoder_ende_layers_choices;  // ours: 1, 2, 3 (HAT: -1, 1, 2)

  bool operator==(const SearchSpace&) const = default;
};

// Throws hat::Error unless every choice of `arch` is in the space (and lists have one entry per
// active layer). The message names the field, the layer, the value and the allowed values, e.g.
// "decoder layer 2 ffn dim 4096 is not in the space 'wmt14.en-de': allowed 1024, 2048, 3072".
void validate_arch(const SearchSpace& space, const ArchConfig& arch);

// Throws unless the space itself is consistent (choices non-empty, within the maxima, heads
// dividing qkv_dim, attend-to layers <= the smallest encoder layer count...).
void validate_space(const SearchSpace& space);

// One SubTransformer drawn uniformly, choice by choice (HAT's sample_configs), from the seed
// alone: the same seed gives the same architecture on every machine. HAT seeds with the
// update number.
ArchConfig sample_arch(const SearchSpace& space, uint64_t seed);

// Every choice at its maximum / minimum (HAT validates both during SuperTransformer training).
ArchConfig largest_arch(const SearchSpace& space);
ArchConfig smallest_arch(const SearchSpace& space);

}  // namespace hat::arch
