// The SuperTransformer's parameters under fairseq's state_dict names, declared at their maximum
// shapes, and the leading-block views (with their gradient views) a SubTransformer runs on.
//
// Followed (mit-han-lab/hardware-aware-transformers): fairseq/models/transformer_super.py
// (TransformerEncoder/DecoderLayer: self_attn, self_attn_layer_norm, encoder_attn,
// encoder_attn_layer_norm, fc1, fc2, final_layer_norm; decoder.embed_out when the output matrix
// is not shared) and fairseq/modules/multihead_attention_super.py (one in_proj_weight
// [3 qkv_dim, d] when query and key/value widths agree, else q/k/v_proj_weight; in_proj_bias
// [3 qkv_dim]; out_proj = LinearSuper(qkv_dim -> d)).
#pragma once

#include <cstdint>
#include <string>

#include "devices/parameters.h"
#include "supernet/arch/model_dims.h"

namespace hat::model {

// A parameter slice and the matching slice of its gradient.
struct Param {
  Tensor value, grad;
};
struct LinearParam {
  Param weight, bias;  // weight [out, in], bias [out]
};
struct LayerNormParam {
  Param weight, bias;  // gamma [d], beta [d]
};

struct SelfAttentionParams {
  LinearParam in_proj;   // in_proj_weight[:3Q, :d] (q, k, v stacked), in_proj_bias[:3Q]
  LinearParam out_proj;  // out_proj.weight[:d, :Q], out_proj.bias[:d]
};

// Encoder-decoder attention: the query from the decoder (width d_dec), keys and values from
// encoder outputs (width d_enc).
struct CrossAttentionParams {
  Param q_weight;            // [Q, d_dec]
  Param kv_weight;           // [2Q, d_enc] when k and v are adjacent rows of in_proj_weight
  Param k_weight, v_weight;  // [Q, d_enc] each (always defined)
  Param q_bias, kv_bias;     // in_proj_bias[0:Q], in_proj_bias[Q:3Q]
  LinearParam out_proj;      // [d_dec, Q], [d_dec]
};

struct FfnParams {
  LinearParam fc1;  // [f, d], [f]
  LinearParam fc2;  // [d, f], [d]
};

struct EncoderLayerParams {
  SelfAttentionParams self_attn;
  LayerNormParam self_attn_layer_norm;
  FfnParams ffn;
  LayerNormParam final_layer_norm;
};

struct DecoderLayerParams {
  SelfAttentionParams self_attn;
  LayerNormParam self_attn_layer_norm;
  CrossAttentionParams encoder_attn;
  LayerNormParam encoder_attn_layer_norm;
  FfnParams ffn;
  LayerNormParam final_layer_norm;
};

// fairseq's names of the embedding matrices ([V, d_max]); with shared embeddings only the
// encoder's exists and serves the decoder input and the output projection too.
inline constexpr const char* kEncoderEmbedName = "encoder.embed_tokens.weight";
inline constexpr const char* kDecoderEmbedName = "decoder.embed_tokens.weight";
inline constexpr const char* kOutputEmbedName = "decoder.embed_out";

// "encoder.layers.3." / "decoder.layers.0.": the prefix of a layer's parameters.
std::string layer_prefix(bool decoder, int64_t layer);
// Whether decoder encoder_attn keeps one in_proj_weight (encoder and decoder maxima agree).
inline bool cross_attention_fused(const arch::ModelDims& dims) {
  return dims.encoder_embed_max == dims.decoder_embed_max;
}

// Declares every parameter at its SuperTransformer shape, in fairseq's state_dict order.
void declare_parameters(const arch::ModelDims& dims, ParameterStore& store);

// Leading-block views for a SubTransformer layer of the given widths.
EncoderLayerParams encoder_layer_params(const ParameterStore& store, const arch::ModelDims& dims,
                                        int64_t layer, int64_t embed, int64_t ffn);
DecoderLayerParams decoder_layer_params(const ParameterStore& store, const arch::ModelDims& dims,
                                        int64_t layer, int64_t embed, int64_t encoder_embed,
                                        int64_t ffn);
// The token embedding of one side, [V, d] (the shared matrix when embeddings are shared), and
// the output projection [V, d_dec] (the shared matrix, or decoder.embed_out).
Param embedding_param(const ParameterStore& store, const arch::ModelDims& dims, bool decoder,
                      int64_t embed);
Param output_param(const ParameterStore& store, const arch::ModelDims& dims, int64_t decoder_embed);

}  // namespace hat::model
