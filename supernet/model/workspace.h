// The SuperTransformer's per-call state: every activation the backward needs and the backward's
// scratch, in grow-only slots reused across calls (a bigger batch reallocates; nothing else
// does), plus the plan of the current call (shapes, dropout sites, encoder sources).
#pragma once

#include <array>
#include <vector>

#include "supernet/model/layers.h"
#include "supernet/model/super_transformer.h"

namespace hat::model {

// Which encoder outputs a decoder layer attending to the last n layers reads: HAT concatenates
// [encoder_out, encoder_out_all[-2], encoder_out_all[-3]][:n] along time.
inline constexpr int64_t kMaxEndeLayers = 3;

struct CallPlan {
  int64_t batch = 0, source_len = 0, target_len = 0;
  int64_t target_tokens = 0;  // real target tokens: the rows of the output projection
  int64_t encoder_embed = 0, decoder_embed = 0, encoder_layers = 0, decoder_layers = 0;
  bool training = false;
  SublayerDropout encoder_embed_dropout, decoder_embed_dropout;
  double embed_scale_encoder = 1, embed_scale_decoder = 1;
  // sources[n][j]: the active encoder layer whose output is segment j of the memory of the
  // decoder layers attending to n layers (n = 1..3).
  std::array<std::vector<int64_t>, kMaxEndeLayers + 1> sources;
  std::array<bool, kMaxEndeLayers + 1> memory_used{};
};

struct SuperTransformer::Workspace {
  Tensor encoder_positions, decoder_positions;  // sinusoidal tables at the max widths

  CallPlan plan;
  std::vector<EncoderLayerParams> encoder_params;
  std::vector<DecoderLayerParams> decoder_params;

  // forward
  Slot encoder_embed_slot, decoder_embed_slot, logits_slot;
  Tensor encoder_x0, decoder_x0, logits;
  // The output projection runs on the real target tokens only (packed rows).
  Slot output_input_slot, output_targets_slot, output_grad_slot;
  Tensor output_input, output_targets;
  std::vector<EncoderLayerState> encoder;
  std::vector<DecoderLayerState> decoder;
  std::array<Slot, kMaxEndeLayers + 1> memory_slots;
  std::array<Tensor, kMaxEndeLayers + 1> memory;  // [B*n*S, d_enc]; n = 1 is the last output
  Tensor ones;                                    // [1, >= rows] of 1s (bias gradients)

  // backward
  Slot encoder_grad, encoder_spare, decoder_grad, decoder_spare;
  std::array<Slot, kMaxEndeLayers + 1> dmemory_slots;
  LayerScratch scratch;
};

}  // namespace hat::model
