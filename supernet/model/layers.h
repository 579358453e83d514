// Encoder and decoder layers of the SuperTransformer (post-LayerNorm, ReLU), forward and
// backward on the views of one SubTransformer layer.
#pragma once

#include "supernet/model/attention_block.h"
#include "supernet/model/sublayers.h"

namespace hat::model {

// Per-call settings of a layer: attention shapes and masks, and each dropout site.
struct EncoderLayerCall {
  AttentionCall self_attn;
  SublayerDropout attn_out, activation, ffn_out;
};
struct DecoderLayerCall {
  AttentionCall self_attn, cross_attn;
  SublayerDropout self_out, cross_out, activation, ffn_out;
};

struct EncoderLayerState {
  Tensor input;  // x: [B*S, d] (a view of the previous layer's output)
  AttentionState self_attn;
  ResidualNormState attn_norm;
  FfnState ffn;
  ResidualNormState ffn_norm;
  const Tensor& output() const { return ffn_norm.out; }
};

struct DecoderLayerState {
  Tensor input;   // [B*T, d_dec]
  Tensor memory;  // the encoder outputs attended to: [B*(n*S), d_enc]
  AttentionState self_attn;
  ResidualNormState self_norm;
  AttentionState cross_attn;
  ResidualNormState cross_norm;
  FfnState ffn;
  ResidualNormState ffn_norm;
  const Tensor& output() const { return ffn_norm.out; }
};

// Backward scratch shared by all layers.
struct LayerScratch {
  AttentionScratch attention;
  Slot dsub, dhidden;
};

void encoder_layer_forward(const EncoderLayerParams& p, const EncoderLayerCall& call,
                           const Tensor& x, EncoderLayerState& s);
// On entry g = dL/d(output); on return g = dL/d(input). spare: a [B*S, d] buffer. Parameter
// gradients are added.
void encoder_layer_backward(const EncoderLayerParams& p, const EncoderLayerState& s, Tensor& g,
                            Tensor& spare, LayerScratch& scratch, const Tensor& ones);

void decoder_layer_forward(const DecoderLayerParams& p, const DecoderLayerCall& call,
                           const Tensor& x, const Tensor& memory, DecoderLayerState& s);
// As encoder_layer_backward (g and spare may be swapped); dmemory (+)= dL/d(memory).
void decoder_layer_backward(const DecoderLayerParams& p, const DecoderLayerState& s, Tensor& g,
                            Tensor& spare, const Tensor& dmemory, bool dmemory_accumulate,
                            LayerScratch& scratch, const Tensor& ones);

}  // namespace hat::model
