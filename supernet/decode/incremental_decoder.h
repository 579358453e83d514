// Incremental (one position at a time) decoding of a SubTransformer with inherited weights: the
// encoder runs once, the encoder-decoder keys/values are computed once per sentence, and each
// decoder layer keeps a self-attention key/value cache that grows by one block per step.
//
// Memory: the cache is written once and never moved. Step s stores the keys/values of the rows
// alive at s ([rows_s, 2Q] per layer), and each row keeps the index of its ancestor in every
// earlier step (a small int table). Reordering beams rewrites that table, not the cache, so the
// decoder holds one copy of the batch's keys/values (self and encoder-decoder), sized by the rows
// and steps the batch actually has, and copies none of them per step.
#pragma once

#include <cstdint>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/decode/block_arena.h"
#include "supernet/decode/packed_linear.h"
#include "supernet/model/layers.h"
#include "supernet/model/super_transformer.h"

namespace hat::decode {

class IncrementalDecoder {
 public:
  // Keeps references to `model` (which must outlive this) and a copy of `arch` (checked with
  // model.check_arch). The weights each step reads are copied here, transposed (see
  // packed_linear.h: the SubTransformer's size in memory), so load values into the model
  // BEFORE constructing a decoder; the encoder's weights are read in place. Forward only: no
  // dropout, no gradients; f32 or f64 as the model. Uses none of the model's buffers (the model
  // can evaluate in between).
  IncrementalDecoder(const model::SuperTransformer& model, const arch::ArchConfig& arch);
  ~IncrementalDecoder();
  IncrementalDecoder(const IncrementalDecoder&) = delete;
  IncrementalDecoder& operator=(const IncrementalDecoder&) = delete;

  // Runs the encoder on `source` (i32 [N, S], each row: tokens, eos, then padding_idx exactly
  // past lengths[row]; S <= max_positions) and computes every decoder layer's encoder-decoder
  // keys/values from the encoder outputs it attends to (HAT's arbitrary attention, as
  // SuperTransformer's forward). Resets the decoder to N rows (row r reads sentence r) at step 0.
  void encode(const Tensor& source, const std::vector<int32_t>& lengths);
  // encode() in its two parts, which the latency protocol times apart (HAT counts the
  // encoder-decoder keys/values, computed in fairseq's first decoder step, as decoder time):
  // the encoder alone, then the keys/values (step() runs it when it has not run).
  void run_encoder(const Tensor& source, const std::vector<int32_t>& lengths);
  void prepare_cross_attention();

  // Feeds one token per row (the previous output; eos at step 0) at position
  // padding_idx + 1 + steps(), and returns the log-probabilities over the vocabulary,
  // [rows(), V] (a view into a buffer the next step() overwrites).
  const Tensor& step(const std::vector<int32_t>& prev_tokens);

  // Row i becomes the old row indices[i] (caches and the sentence it reads): reorders beams,
  // expands sentences to beams (indices may repeat) and drops rows (fewer indices).
  void reorder(const std::vector<int64_t>& indices);

  int64_t rows() const { return static_cast<int64_t>(row_source_.size()); }
  int64_t sentences() const { return sentences_; }
  int64_t steps() const { return step_; }
  // The largest number of steps after encode() (the decoder's positions table).
  int64_t max_steps() const { return model_.dims().max_positions; }
  // Source length (eos included) of the sentence row r reads.
  int32_t source_length(int64_t row) const;
  const arch::ArchConfig& arch() const { return arch_; }

  // Bytes of the keys/values the current batch holds (self-attention steps so far and
  // encoder-decoder), and the most any batch has held since construction.
  int64_t cache_bytes() const;
  int64_t peak_cache_bytes() const { return peak_cache_bytes_; }
  // Bytes the decoder keeps for self-attention caches across batches (see block_arena.h).
  int64_t cache_bytes_held() const { return cache_arena_.bytes_held(); }
  const model::SuperTransformer& model() const { return model_; }

 private:
  struct Layer;  // per decoder layer: parameters, caches, states
  void pack_layer(Layer& layer);
  // Makes each row's ancestry row hold at least `steps` entries.
  void ensure_ancestry(int64_t steps);
  void note_cache_bytes();
  bool feeds_cross_attention(int64_t encoder_layer) const;

  const model::SuperTransformer& model_;
  arch::ArchConfig arch_;
  DType dtype_;
  Tensor encoder_positions_, decoder_positions_;
  std::vector<model::EncoderLayerParams> encoder_params_;
  std::vector<model::EncoderLayerState> encoder_states_;  // two, used in turn
  // Per encoder layer: its output when the encoder-decoder attention reads it, else undefined.
  std::vector<Tensor> encoder_outputs_;
  std::vector<model::Slot> encoder_output_slots_;
  std::vector<Layer> layers_;
  model::Slot k_rows_slot_;  // encoder-decoder keys before their transposition
  model::Slot encoder_x0_slot_, memory_slot_, x_slot_, tokens_slot_, logits_slot_, q_slot_,
      att_slot_;
  PackedLinear output_;  // the output projection (the decoder's embedding matrix), [d, V]
  BlockArena cache_arena_;  // every layer's self-attention step blocks
  Tensor logits_;

  bool cross_attention_ready_ = false;
  int64_t sentences_ = 0, source_len_ = 0, step_ = 0;
  std::vector<int32_t> source_lengths_;  // per encoded sentence
  std::vector<int64_t> row_source_;      // per row: the encoded sentence it reads
  // ancestry_[r * ancestry_stride_ + s]: the row of step s's cache block that row r descends
  // from (r itself at the newest step); spare_ancestry_ is reorder's destination.
  std::vector<int32_t> ancestry_, spare_ancestry_;
  int64_t ancestry_stride_ = 0;
  int64_t peak_cache_bytes_ = 0;
};

}  // namespace hat::decode
