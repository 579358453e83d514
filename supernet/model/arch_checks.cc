// SuperTransformer::check_arch and parameter_count: what a SubTransformer may be, and its size.
//
// Followed for the count: HAT's TransformerSuperModel.get_sampled_params_numel
// (fairseq/models/transformer_super.py) sums calc_sampled_param_num over the active layers'
// LinearSuper (fc1, fc2, out_proj: sliced weight + bias), LayerNormSuper (2 d) and
// MultiheadAttentionSuper (in_proj only: q d_q Q + (k, v) 2 d_kv Q + the whole in_proj_bias 3 Q)
// modules; embeddings (EmbeddingSuper, embed_out) have no such method, so they are excluded.
#include <algorithm>
#include <vector>

#include "supernet/model/super_transformer.h"
#include "supernet/model/workspace.h"

namespace hat::model {

namespace {

void check_range(int64_t value, int64_t lo, int64_t hi, const char* field, const char* why) {
  HAT_CHECK(value >= lo && value <= hi, "SuperTransformer: ", field, " = ", value,
            " is outside [", lo, ", ", hi, "] (", why, ")");
}

void check_count(const std::vector<int64_t>& v, int64_t layers, const char* field,
                 const char* count_field) {
  HAT_CHECK(static_cast<int64_t>(v.size()) == layers, "SuperTransformer: ", field, " has ",
            v.size(), " entries but ", count_field, " = ", layers);
}

void check_heads(const std::vector<int64_t>& heads, int64_t qkv, const char* field) {
  for (size_t i = 0; i < heads.size(); ++i)
    HAT_CHECK(heads[i] >= 1 && qkv % heads[i] == 0, "SuperTransformer: ", field, "[", i, "] = ",
              heads[i], " does not divide qkv_dim ", qkv);
}

void check_each(const std::vector<int64_t>& v, int64_t lo, int64_t hi, const char* field,
                const char* why) {
  for (size_t i = 0; i < v.size(); ++i)
    HAT_CHECK(v[i] >= lo && v[i] <= hi, "SuperTransformer: ", field, "[", i, "] = ", v[i],
              " is outside [", lo, ", ", hi, "] (", why, ")");
}

}  // namespace

void SuperTransformer::check_arch(const arch::ArchConfig& a) const {
  const arch::ModelDims& d = dims_;
  check_range(a.encoder_embed_dim, 1, d.encoder_embed_max, "encoder_embed_dim", "encoder_embed_max");
  check_range(a.decoder_embed_dim, 1, d.decoder_embed_max, "decoder_embed_dim", "decoder_embed_max");
  check_range(a.encoder_layers, 1, d.encoder_layers_max, "encoder_layers", "encoder_layers_max");
  check_range(a.decoder_layers, 1, d.decoder_layers_max, "decoder_layers", "decoder_layers_max");
  check_count(a.encoder_ffn_dims, a.encoder_layers, "encoder_ffn_dims", "encoder_layers");
  check_count(a.encoder_self_heads, a.encoder_layers, "encoder_self_heads", "encoder_layers");
  check_count(a.decoder_ffn_dims, a.decoder_layers, "decoder_ffn_dims", "decoder_layers");
  check_count(a.decoder_self_heads, a.decoder_layers, "decoder_self_heads", "decoder_layers");
  check_count(a.decoder_ende_heads, a.decoder_layers, "decoder_ende_heads", "decoder_layers");
  check_count(a.decoder_ende_layers, a.decoder_layers, "decoder_ende_layers", "decoder_layers");
  check_each(a.encoder_ffn_dims, 1, d.encoder_ffn_max, "encoder_ffn_dims", "encoder_ffn_max");
  check_each(a.decoder_ffn_dims, 1, d.decoder_ffn_max, "decoder_ffn_dims", "decoder_ffn_max");
  check_heads(a.encoder_self_heads, d.qkv_dim, "encoder_self_heads");
  check_heads(a.decoder_self_heads, d.qkv_dim, "decoder_self_heads");
  check_heads(a.decoder_ende_heads, d.qkv_dim, "decoder_ende_heads");
  // HAT indexes its list of the SUPER encoder's layer outputs (encoder_out_all[-2], [-3]).
  check_each(a.decoder_ende_layers, 1, std::min<int64_t>(kMaxEndeLayers, arch::ende_list_layers(d)),
             "decoder_ende_layers", "last 1 to 3 encoder layers, at most encoder_layers_max");
}

int64_t SuperTransformer::parameter_count(const arch::ArchConfig& a,
                                          bool include_embeddings) const {
  check_arch(a);
  const int64_t Q = dims_.qkv_dim, de = a.encoder_embed_dim, dd = a.decoder_embed_dim;
  // out_proj [d, Q] + [d]; in_proj q, k, v weights + the whole bias [3Q].
  const auto attention = [&](int64_t dq, int64_t dkv) { return dq * Q + 2 * dkv * Q + 3 * Q + dq * Q + dq; };
  const auto ffn = [](int64_t d, int64_t f) { return f * d + f + d * f + d; };
  int64_t count = 0;
  for (int64_t l = 0; l < a.encoder_layers; ++l)
    count += attention(de, de) + 2 * de + ffn(de, a.encoder_ffn_dims[l]) + 2 * de;
  for (int64_t l = 0; l < a.decoder_layers; ++l)
    count += attention(dd, dd) + 2 * dd + attention(dd, de) + 2 * dd +
             ffn(dd, a.decoder_ffn_dims[l]) + 2 * dd;
  if (include_embeddings) {
    const int64_t V = dims_.vocab_size;
    // True-size tensors: one shared [V, max(de, dd)] matrix, or encoder, decoder and output.
    count += dims_.share_all_embeddings ? V * std::max(de, dd) : V * de + 2 * V * dd;
  }
  return count;
}

}  // namespace hat::model
