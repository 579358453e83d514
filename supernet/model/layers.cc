// Encoder and decoder layers (see layers.h).
//
// Followed: HAT's fairseq/models/transformer_super.py, TransformerEncoderLayer.forward (self
// attention, then FFN) and TransformerDecoderLayer.forward (self attention with the causal
// future mask and no key padding mask, encoder attention with the encoder padding mask, FFN),
// each sublayer as residual + dropout, then LayerNorm.
#include "supernet/model/layers.h"

#include <utility>

namespace hat::model {

void encoder_layer_forward(const EncoderLayerParams& p, const EncoderLayerCall& c,
                           const Tensor& x, EncoderLayerState& s) {
  const int64_t rows = x.size(0), d = x.size(1);
  s.input = x;
  const Tensor y1 = residual_norm_input(s.attn_norm, rows, d, x.dtype());
  self_attention_forward(p.self_attn, x, c.self_attn, s.self_attn, y1);
  residual_norm_forward(p.self_attn_layer_norm, x, c.attn_out, s.attn_norm);
  const Tensor& h1 = s.attn_norm.out;
  const Tensor y2 = residual_norm_input(s.ffn_norm, rows, d, x.dtype());
  ffn_forward(p.ffn, h1, c.activation, s.ffn, y2);
  residual_norm_forward(p.final_layer_norm, h1, c.ffn_out, s.ffn_norm);
}

void encoder_layer_backward(const EncoderLayerParams& p, const EncoderLayerState& s, Tensor& g,
                            Tensor& spare, LayerScratch& scratch, const Tensor& ones) {
  // FFN sublayer: spare = dL/dh1 (residual path + FFN path).
  const Tensor dy2 = residual_norm_backward(p.final_layer_norm, s.ffn_norm, g, spare, scratch.dsub);
  ffn_backward(p.ffn, s.attn_norm.out, s.ffn, dy2, spare, scratch.dhidden, ones);
  // Attention sublayer: g = dL/dx.
  const Tensor dy1 =
      residual_norm_backward(p.self_attn_layer_norm, s.attn_norm, spare, g, scratch.dsub);
  self_attention_backward(p.self_attn, s.input, s.self_attn, dy1, g, scratch.attention, ones);
}

void decoder_layer_forward(const DecoderLayerParams& p, const DecoderLayerCall& c,
                           const Tensor& x, const Tensor& memory, DecoderLayerState& s) {
  const int64_t rows = x.size(0), d = x.size(1);
  s.input = x;
  s.memory = memory;
  const Tensor y1 = residual_norm_input(s.self_norm, rows, d, x.dtype());
  self_attention_forward(p.self_attn, x, c.self_attn, s.self_attn, y1);
  residual_norm_forward(p.self_attn_layer_norm, x, c.self_out, s.self_norm);
  const Tensor& h1 = s.self_norm.out;
  const Tensor y2 = residual_norm_input(s.cross_norm, rows, d, x.dtype());
  cross_attention_forward(p.encoder_attn, h1, memory, c.cross_attn, s.cross_attn, y2);
  residual_norm_forward(p.encoder_attn_layer_norm, h1, c.cross_out, s.cross_norm);
  const Tensor& h2 = s.cross_norm.out;
  const Tensor y3 = residual_norm_input(s.ffn_norm, rows, d, x.dtype());
  ffn_forward(p.ffn, h2, c.activation, s.ffn, y3);
  residual_norm_forward(p.final_layer_norm, h2, c.ffn_out, s.ffn_norm);
}

void decoder_layer_backward(const DecoderLayerParams& p, const DecoderLayerState& s, Tensor& g,
                            Tensor& spare, const Tensor& dmemory, bool dmemory_accumulate,
                            LayerScratch& scratch, const Tensor& ones) {
  // FFN: spare = dL/dh2.
  const Tensor dy3 = residual_norm_backward(p.final_layer_norm, s.ffn_norm, g, spare, scratch.dsub);
  ffn_backward(p.ffn, s.cross_norm.out, s.ffn, dy3, spare, scratch.dhidden, ones);
  // Encoder attention: g = dL/dh1, dmemory (+)= ...
  const Tensor dy2 =
      residual_norm_backward(p.encoder_attn_layer_norm, s.cross_norm, spare, g, scratch.dsub);
  cross_attention_backward(p.encoder_attn, s.self_norm.out, s.memory, s.cross_attn, dy2, g,
                           dmemory, dmemory_accumulate, scratch.attention, ones);
  // Self attention: spare = dL/dx, then swapped into g.
  const Tensor dy1 =
      residual_norm_backward(p.self_attn_layer_norm, s.self_norm, g, spare, scratch.dsub);
  self_attention_backward(p.self_attn, s.input, s.self_attn, dy1, spare, scratch.attention, ones);
  std::swap(g, spare);
}

}  // namespace hat::model
