// Turning a batch of sentence indices into padded rows of token ids for the model, as fairseq
// does: source rows, decoder input (eos, y1 .. yn-1) and decoder output (y1 .. yn = eos).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "supernet/data/token_column.h"

namespace hat::data {

struct PaddedBatch {
  size_t rows = 0, source_len = 0, target_len = 0;
  std::vector<uint32_t> indices;       // the sentences, in row order
  std::vector<int32_t> source;         // [rows, source_len], each row ending with eos, then pad
  std::vector<int32_t> target_input;   // [rows, target_len]: eos, y1 .. y(n-1), then pad
  std::vector<int32_t> target_output;  // [rows, target_len]: y1 .. y(n-1), eos, then pad
  uint64_t source_tokens = 0, target_tokens = 0;  // not counting pad
};

// Collates the batch; with left_pad_source the source padding goes before the tokens (fairseq's
// default --left-pad-source), otherwise after. Target rows are always right-padded.
PaddedBatch collate(const TokenColumn& source, const TokenColumn& target, std::span<const uint32_t> batch,
                    bool left_pad_source = false);

}  // namespace hat::data
