// A search space as HAT's YAML keys: the SuperTransformer maxima (`encoder-embed-dim`, ...,
// `qkv-dim`, `share-all-embeddings`) and the choices (`encoder-embed-choice`, ...,
// `decoder-arbitrary-ende-attn-choice`); the canonical text of a space and its hash.
#pragma once

#include <string>
#include <vector>

#include "supernet/arch/search_space.h"
#include "supernet/arch/yaml_fields.h"

namespace hat::arch {

// Reads the space keys of `map` into `space` (name left as it is), marking them used. Missing
// maxima or choices, wrong types and HAT attend-to values other than -1 or >= 1 throw naming
// the key; `encoder-attention-heads` / `decoder-attention-heads` (optional) bound the head
// choices; `share-all-embeddings` is optional (fairseq's default: False). Does not call
// validate_space.
void read_space_keys(YamlMap& map, SearchSpace& space);

// Every key read_space_keys knows.
const std::vector<std::string>& space_keys();

// The space alone (no training keys, no name) in HAT's keys and layout: parses back to the
// same SearchSpace (max_positions and padding_idx are not written; they keep their defaults).
// The attention-heads maxima written are the largest head choices.
std::string space_to_hat_yaml(const SearchSpace& space);

// 16 hex digits of the SHA-256 of space_to_hat_yaml(space) plus max_positions and padding_idx:
// two files describing the same SuperTransformer and choices hash alike, whatever their
// comments, training settings or names.
std::string space_hash(const SearchSpace& space);

}  // namespace hat::arch
