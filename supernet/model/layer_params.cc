// Parameter declaration under fairseq's names and the SubTransformer's slices of them.
#include "supernet/model/layer_params.h"

namespace hat::model {

namespace {

Param slice(const ParameterStore& store, const std::string& name, const Shape& sizes) {
  return {store.value(name).leading(sizes), store.grad(name).leading(sizes)};
}

Param rows(const Param& p, int64_t start, int64_t count, int64_t cols) {
  return {p.value.narrow(0, start, count).leading({count, cols}),
          p.grad.narrow(0, start, count).leading({count, cols})};
}

Param range(const Param& p, int64_t start, int64_t count) {
  return {p.value.narrow(0, start, count), p.grad.narrow(0, start, count)};
}

LinearParam linear(const ParameterStore& store, const std::string& name, int64_t out,
                   int64_t in) {
  return {slice(store, name + ".weight", {out, in}), slice(store, name + ".bias", {out})};
}

LayerNormParam layer_norm(const ParameterStore& store, const std::string& name, int64_t d) {
  return {slice(store, name + ".weight", {d}), slice(store, name + ".bias", {d})};
}

SelfAttentionParams self_attention(const ParameterStore& store, const std::string& name,
                                   int64_t d, int64_t qkv) {
  return {{slice(store, name + ".in_proj_weight", {3 * qkv, d}),
           slice(store, name + ".in_proj_bias", {3 * qkv})},
          linear(store, name + ".out_proj", d, qkv)};
}

void declare_linear(ParameterStore& store, const std::string& name, int64_t out, int64_t in) {
  store.declare(name + ".weight", {out, in});
  store.declare(name + ".bias", {out});
}

void declare_layer_norm(ParameterStore& store, const std::string& name, int64_t d) {
  store.declare(name + ".weight", {d});
  store.declare(name + ".bias", {d});
}

// MultiheadAttentionSuper's parameters, in its registration order.
void declare_attention(ParameterStore& store, const std::string& name, int64_t q_dim,
                       int64_t kv_dim, int64_t qkv) {
  if (q_dim == kv_dim) {
    store.declare(name + ".in_proj_weight", {3 * qkv, q_dim});
  } else {
    store.declare(name + ".k_proj_weight", {qkv, kv_dim});
    store.declare(name + ".v_proj_weight", {qkv, kv_dim});
    store.declare(name + ".q_proj_weight", {qkv, q_dim});
  }
  store.declare(name + ".in_proj_bias", {3 * qkv});
  declare_linear(store, name + ".out_proj", q_dim, qkv);
}

}  // namespace

std::string layer_prefix(bool decoder, int64_t layer) {
  return str(decoder ? "decoder" : "encoder", ".layers.", layer, ".");
}

void declare_parameters(const arch::ModelDims& dims, ParameterStore& store) {
  const int64_t de = dims.encoder_embed_max, dd = dims.decoder_embed_max, Q = dims.qkv_dim;
  store.declare(kEncoderEmbedName, {dims.vocab_size, de});
  for (int64_t i = 0; i < dims.encoder_layers_max; ++i) {
    const std::string p = layer_prefix(false, i);
    declare_attention(store, p + "self_attn", de, de, Q);
    declare_layer_norm(store, p + "self_attn_layer_norm", de);
    declare_linear(store, p + "fc1", dims.encoder_ffn_max, de);
    declare_linear(store, p + "fc2", de, dims.encoder_ffn_max);
    declare_layer_norm(store, p + "final_layer_norm", de);
  }
  if (!dims.share_all_embeddings) store.declare(kDecoderEmbedName, {dims.vocab_size, dd});
  for (int64_t i = 0; i < dims.decoder_layers_max; ++i) {
    const std::string p = layer_prefix(true, i);
    declare_attention(store, p + "self_attn", dd, dd, Q);
    declare_layer_norm(store, p + "self_attn_layer_norm", dd);
    declare_attention(store, p + "encoder_attn", dd, de, Q);
    declare_layer_norm(store, p + "encoder_attn_layer_norm", dd);
    declare_linear(store, p + "fc1", dims.decoder_ffn_max, dd);
    declare_linear(store, p + "fc2", dd, dims.decoder_ffn_max);
    declare_layer_norm(store, p + "final_layer_norm", dd);
  }
  if (!dims.share_all_embeddings) store.declare(kOutputEmbedName, {dims.vocab_size, dd});
}

EncoderLayerParams encoder_layer_params(const ParameterStore& store, const arch::ModelDims& dims,
                                        int64_t layer, int64_t embed, int64_t ffn) {
  const std::string p = layer_prefix(false, layer);
  return {self_attention(store, p + "self_attn", embed, dims.qkv_dim),
          layer_norm(store, p + "self_attn_layer_norm", embed),
          {linear(store, p + "fc1", ffn, embed), linear(store, p + "fc2", embed, ffn)},
          layer_norm(store, p + "final_layer_norm", embed)};
}

DecoderLayerParams decoder_layer_params(const ParameterStore& store, const arch::ModelDims& dims,
                                        int64_t layer, int64_t embed, int64_t encoder_embed,
                                        int64_t ffn) {
  const std::string p = layer_prefix(true, layer), ea = p + "encoder_attn";
  const int64_t Q = dims.qkv_dim;
  CrossAttentionParams cross;
  const Param bias = slice(store, ea + ".in_proj_bias", {3 * Q});
  cross.q_bias = range(bias, 0, Q);
  cross.kv_bias = range(bias, Q, 2 * Q);
  if (cross_attention_fused(dims)) {
    // HAT's _in_proj: rows [start, end) of in_proj_weight, columns [:sample_dim] (q: decoder
    // width, k and v: encoder width).
    const Param w{store.value(ea + ".in_proj_weight"), store.grad(ea + ".in_proj_weight")};
    cross.q_weight = rows(w, 0, Q, embed);
    cross.kv_weight = rows(w, Q, 2 * Q, encoder_embed);
    cross.k_weight = rows(w, Q, Q, encoder_embed);
    cross.v_weight = rows(w, 2 * Q, Q, encoder_embed);
  } else {
    cross.q_weight = slice(store, ea + ".q_proj_weight", {Q, embed});
    cross.k_weight = slice(store, ea + ".k_proj_weight", {Q, encoder_embed});
    cross.v_weight = slice(store, ea + ".v_proj_weight", {Q, encoder_embed});
  }
  cross.out_proj = linear(store, ea + ".out_proj", embed, Q);
  return {self_attention(store, p + "self_attn", embed, Q),
          layer_norm(store, p + "self_attn_layer_norm", embed),
          cross,
          layer_norm(store, p + "encoder_attn_layer_norm", embed),
          {linear(store, p + "fc1", ffn, embed), linear(store, p + "fc2", embed, ffn)},
          layer_norm(store, p + "final_layer_norm", embed)};
}

Param embedding_param(const ParameterStore& store, const arch::ModelDims& dims, bool decoder,
                      int64_t embed) {
  const char* name = decoder && !dims.share_all_embeddings ? kDecoderEmbedName : kEncoderEmbedName;
  return slice(store, name, {dims.vocab_size, embed});
}

Param output_param(const ParameterStore& store, const arch::ModelDims& dims,
                   int64_t decoder_embed) {
  const char* name = dims.share_all_embeddings ? kEncoderEmbedName : kOutputEmbedName;
  return slice(store, name, {dims.vocab_size, decoder_embed});
}

}  // namespace hat::model
