// One batch as the model consumes it: right-padded token ids of source, decoder input and
// decoder output (fairseq's src_tokens, prev_output_tokens, target), with per-row lengths.
#pragma once

#include <cstdint>
#include <vector>

#include "devices/tensor.h"
#include "supernet/data/collate.h"

namespace hat::model {

struct ModelBatch {
  Tensor source;         // i32 [B, S], each row: tokens, eos, then padding
  Tensor target_input;   // i32 [B, T]: eos, y1 .. y(n-1), then padding
  Tensor target_output;  // i32 [B, T]: y1 .. y(n-1), eos, then padding
  std::vector<int32_t> source_lengths;  // real tokens per row (eos included)
  std::vector<int32_t> target_lengths;
  int64_t target_tokens = 0;            // sum of target_lengths: the loss's normaliser
  int64_t rows() const { return source.defined() ? source.size(0) : 0; }
};

// From a collated data batch (source must be right-padded: collate(..., left_pad_source=false)).
ModelBatch to_model_batch(const data::PaddedBatch& batch, int32_t padding_idx);

}  // namespace hat::model
