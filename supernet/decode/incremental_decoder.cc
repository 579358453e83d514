// Incremental decoding (see incremental_decoder.h).
//
// Followed: HAT's fairseq/models/transformer_super.py with fairseq's incremental_state: the
// decoder embeds only the newest token (positions from padding_idx + 1 + step, as
// SinusoidalPositionalEmbedding with incremental_state), each self-attention appends its key and
// value to the cache and attends to every cached position (no future mask is needed); encoder-
// decoder attention reads keys/values of torch.cat([encoder_out, encoder_out_all[-2],
// encoder_out_all[-3]][:n]) (static_kv: computed once); the output layer runs every step and
// get_normalized_probs takes log_softmax.
#include "supernet/decode/incremental_decoder.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "supernet/decode/decode_attention.h"
#include "supernet/ops/log_softmax.h"
#include "supernet/model/projection.h"
#include "supernet/ops/embedding.h"
#include "supernet/ops/positions.h"
#include "supernet/ops/relu.h"

namespace hat::decode {

namespace {

constexpr const char* kOp = "IncrementalDecoder";
constexpr int64_t kMaxEnde = 3;

}  // namespace

struct IncrementalDecoder::Layer {
  model::DecoderLayerParams params;  // views: layer norms and the encoder-decoder k | v weights
  // The weights every step reads, transposed once (see packed_linear.h).
  PackedLinear self_q, self_kv, self_out, cross_q, cross_out, fc1, fc2;
  int64_t ende_layers = 1;
  model::Slot kv_enc_slot, kv_group_slot, cache_slot, spare_slot;
  Tensor kv_enc;    // [N * n*S, 2Q]: k | v of every encoded sentence
  Tensor kv_group;  // [G * n*S, 2Q]: those of the current groups' sentences (or kv_enc)
  Tensor cache;     // [rows, capacity, 2Q]: self-attention k | v of the steps so far
  model::ResidualNormState self_norm, cross_norm, ffn_norm;
  model::Slot hidden_slot;
  Tensor hidden;  // relu(fc1(x)), [rows, f]
};

IncrementalDecoder::IncrementalDecoder(const model::SuperTransformer& model,
                                       const arch::ArchConfig& arch)
    : model_(model), arch_(arch), dtype_(model.parameters().values().dtype()) {
  model.check_arch(arch);
  const arch::ModelDims& d = model.dims();
  const int64_t rows = d.max_positions + d.padding_idx + 1;  // as the model's tables
  encoder_positions_ =
      ops::sinusoidal_table(rows, arch::encoder_positions_width(d), d.padding_idx, dtype_);
  decoder_positions_ =
      ops::sinusoidal_table(rows, arch::decoder_positions_width(d), d.padding_idx, dtype_);
  const ParameterStore& store = model.parameters();
  for (int64_t l = 0; l < arch.encoder_layers; ++l)
    encoder_params_.push_back(
        model::encoder_layer_params(store, d, l, arch.encoder_embed_dim, arch.encoder_ffn_dims[l]));
  encoder_states_.resize(arch.encoder_layers);
  layers_.resize(arch.decoder_layers);
  for (int64_t l = 0; l < arch.decoder_layers; ++l) {
    layers_[l].params = model::decoder_layer_params(
        store, d, l, arch.decoder_embed_dim, arch.encoder_embed_dim, arch.decoder_ffn_dims[l]);
    layers_[l].ende_layers = arch.decoder_ende_layers[l];
    pack_layer(layers_[l]);
  }
  output_ =
      PackedLinear::pack(model::output_param(store, d, arch.decoder_embed_dim).value, nullptr);
}

void IncrementalDecoder::pack_layer(Layer& L) {
  const int64_t Q = model_.dims().qkv_dim;
  const model::DecoderLayerParams& p = L.params;
  const Tensor& w_in = p.self_attn.in_proj.weight.value;
  const Tensor& b_in = p.self_attn.in_proj.bias.value;
  const Tensor bq = b_in.narrow(0, 0, Q), bkv = b_in.narrow(0, Q, 2 * Q);
  L.self_q = PackedLinear::pack(w_in.narrow(0, 0, Q), &bq);
  L.self_kv = PackedLinear::pack(w_in.narrow(0, Q, 2 * Q), &bkv);
  L.self_out = PackedLinear::pack(p.self_attn.out_proj.weight.value, &p.self_attn.out_proj.bias.value);
  L.cross_q = PackedLinear::pack(p.encoder_attn.q_weight.value, &p.encoder_attn.q_bias.value);
  L.cross_out = PackedLinear::pack(p.encoder_attn.out_proj.weight.value,
                                   &p.encoder_attn.out_proj.bias.value);
  L.fc1 = PackedLinear::pack(p.ffn.fc1.weight.value, &p.ffn.fc1.bias.value);
  L.fc2 = PackedLinear::pack(p.ffn.fc2.weight.value, &p.ffn.fc2.bias.value);
}

IncrementalDecoder::~IncrementalDecoder() = default;

int32_t IncrementalDecoder::source_length(int64_t row) const {
  HAT_CHECK(row >= 0 && row < rows(), kOp, ": row ", row, " outside [0, ", rows(), ")");
  return source_lengths_[row_source_[row]];
}

void IncrementalDecoder::run_encoder(const Tensor& source, const std::vector<int32_t>& lengths) {
  const arch::ModelDims& d = model_.dims();
  HAT_CHECK(source.defined() && source.dtype() == DType::i32 && source.dim() == 2 &&
                source.is_contiguous() && source.size(0) >= 1 && source.size(1) >= 1,
            kOp, ": source must be dense non-empty i32 [N, S], got ",
            source.defined() ? source.describe() : std::string("undefined"));
  const int64_t N = source.size(0), S = source.size(1);
  HAT_CHECK(static_cast<int64_t>(lengths.size()) == N, kOp, ": ", lengths.size(),
            " lengths for source ", source.describe());
  HAT_CHECK(S <= d.max_positions, kOp, ": source ", source.describe(), " is longer than ",
            "max_positions ", d.max_positions);
  const int32_t* tok = source.data<int32_t>();
  for (int64_t b = 0; b < N; ++b) {
    HAT_CHECK(lengths[b] >= 1 && lengths[b] <= S, kOp, ": length ", lengths[b], " of row ", b,
              " outside [1, ", S, "] (source ", source.describe(), ")");
    for (int64_t i = 0; i < S; ++i) {
      const int32_t t = tok[b * S + i];
      HAT_CHECK(t >= 0 && t < d.vocab_size, kOp, ": source token ", t, " at row ", b,
                " position ", i, " outside the vocabulary [0, ", d.vocab_size, ")");
      HAT_CHECK((t == d.padding_idx) == (i >= lengths[b]), kOp, ": source row ", b,
                " of length ", lengths[b], " has token ", t, " at position ", i,
                " (padding must fill exactly the positions past the length)");
    }
  }
  const int64_t de = arch_.encoder_embed_dim, Le = arch_.encoder_layers;
  sentences_ = N, source_len_ = S, step_ = 0, capacity_ = 0;
  for (Layer& L : layers_) L.cache = Tensor();
  source_lengths_ = lengths;
  row_source_.resize(N);
  for (int64_t b = 0; b < N; ++b) row_source_[b] = b;
  group_sources_.clear();

  // Encoder: x = sqrt(d) E[tokens, :d] + positions from padding_idx + 1, then the layers.
  const model::Param embed = model::embedding_param(model_.parameters(), d, false, de);
  Tensor x = encoder_x0_slot_.get({N * S, de}, dtype_);
  Tensor x3 = x.reshape({N, S, de});
  ops::embedding_forward(source, embed.value, std::sqrt(static_cast<double>(de)), x3);
  ops::add_positions_forward(x3, encoder_positions_, d.padding_idx + 1, x3);
  ops::AttentionMask mask;
  mask.key_lengths = lengths;
  for (int64_t l = 0; l < Le; ++l) {
    model::EncoderLayerCall call;
    call.self_attn = {N, S, S, arch_.encoder_self_heads[l], {mask, 1}, 0.0, 0};
    model::encoder_layer_forward(encoder_params_[l], call, x, encoder_states_[l]);
    x = encoder_states_[l].output();
  }

  cross_attention_ready_ = false;
}

void IncrementalDecoder::encode(const Tensor& source, const std::vector<int32_t>& lengths) {
  run_encoder(source, lengths);
  prepare_cross_attention();
}

void IncrementalDecoder::prepare_cross_attention() {
  HAT_CHECK(sentences_ > 0, kOp, ": prepare_cross_attention before run_encoder");
  if (cross_attention_ready_) return;
  const arch::ModelDims& d = model_.dims();
  const int64_t N = sentences_, S = source_len_, de = arch_.encoder_embed_dim,
                Le = arch_.encoder_layers, Q = d.qkv_dim;
  // Each decoder layer's k | v of the encoder outputs it attends to: segment j of a row's memory
  // is the output of encoder layer min(L_max - 1 - j, L - 1) (HAT's encoder_out_all[-1 - j]).
  for (Layer& L : layers_) {
    const int64_t n = L.ende_layers;
    Tensor memory = encoder_states_[Le - 1].output();
    if (n > 1) {
      memory = memory_slot_.get({N * n * S, de}, dtype_);
      const Tensor rows = memory.reshape({N, n * S * de});
      for (int64_t j = 0; j < n && j < kMaxEnde; ++j) {
        const int64_t src = arch::ende_source_layer(d, Le, j);
        rows.narrow(1, j * S * de, S * de)
            .copy_from(encoder_states_[src].output().reshape({N, S * de}));
      }
    }
    const model::CrossAttentionParams& p = L.params.encoder_attn;
    L.kv_enc = L.kv_enc_slot.get({N * n * S, 2 * Q}, dtype_);
    if (p.kv_weight.value.defined()) {
      model::project(memory, p.kv_weight.value, &p.kv_bias.value, L.kv_enc);
    } else {
      const Tensor bk = p.kv_bias.value.narrow(0, 0, Q), bv = p.kv_bias.value.narrow(0, Q, Q);
      model::project(memory, p.k_weight.value, &bk, L.kv_enc.narrow(1, 0, Q));
      model::project(memory, p.v_weight.value, &bv, L.kv_enc.narrow(1, Q, Q));
    }
    L.kv_group = L.kv_enc;
  }
  group_sources_.clear();
  cross_attention_ready_ = true;
}

void IncrementalDecoder::ensure_capacity(int64_t needed) {
  if (needed <= capacity_) return;
  const int64_t cap = std::min(std::max({2 * capacity_, int64_t{16}, needed}), max_steps());
  const int64_t B = rows(), W = 2 * model_.dims().qkv_dim;
  for (Layer& L : layers_) {
    const Tensor dst = L.spare_slot.get({B, cap, W}, dtype_);
    if (step_ > 0)
      dst.reshape({B, cap * W}).narrow(1, 0, step_ * W)
          .copy_from(L.cache.reshape({B, capacity_ * W}).narrow(1, 0, step_ * W));
    std::swap(L.cache_slot, L.spare_slot);
    L.cache = dst;
  }
  capacity_ = cap;
}

void IncrementalDecoder::reorder(const std::vector<int64_t>& indices) {
  HAT_CHECK(sentences_ > 0, kOp, ": reorder before encode");
  const int64_t B = rows(), Bn = static_cast<int64_t>(indices.size());
  HAT_CHECK(Bn >= 1, kOp, ": reorder to no rows");
  for (int64_t i = 0; i < Bn; ++i)
    HAT_CHECK(indices[i] >= 0 && indices[i] < B, kOp, ": reorder index ", indices[i],
              " at ", i, " outside the ", B, " rows");
  if (capacity_ > 0) {
    const int64_t W = 2 * model_.dims().qkv_dim, used = step_ * W;
    for (Layer& L : layers_) {
      const Tensor dst = L.spare_slot.get({Bn, capacity_, W}, dtype_);
      const Tensor d2 = dst.reshape({Bn, capacity_ * W});
      const Tensor s2 = L.cache.reshape({B, capacity_ * W});
      if (used > 0)
        for (int64_t i = 0; i < Bn; ++i)
          d2.narrow(0, i, 1).narrow(1, 0, used).copy_from(
              s2.narrow(0, indices[i], 1).narrow(1, 0, used));
      std::swap(L.cache_slot, L.spare_slot);
      L.cache = dst;
    }
  }
  std::vector<int64_t> sources(Bn);
  for (int64_t i = 0; i < Bn; ++i) sources[i] = row_source_[indices[i]];
  row_source_ = std::move(sources);
}

int64_t IncrementalDecoder::prepare_groups() {
  const int64_t B = rows();
  int64_t k = 1;
  while (k < B && row_source_[k] == row_source_[0]) ++k;
  bool uniform = B % k == 0;
  for (int64_t r = 0; r < B && uniform; ++r)
    uniform = row_source_[r] == row_source_[(r / k) * k];
  if (!uniform) k = 1;
  const int64_t G = B / k;
  std::vector<int64_t> groups(G);
  bool identity = G == sentences_;
  for (int64_t g = 0; g < G; ++g) {
    groups[g] = row_source_[g * k];
    identity = identity && groups[g] == g;
  }
  if (groups == group_sources_) return k;
  const int64_t S = source_len_, W = 2 * model_.dims().qkv_dim;
  for (Layer& L : layers_) {
    if (identity) {
      L.kv_group = L.kv_enc;
      continue;
    }
    const int64_t n = L.ende_layers;
    L.kv_group = L.kv_group_slot.get({G * n * S, W}, dtype_);
    const Tensor dst = L.kv_group.reshape({G, n * S * W}), src = L.kv_enc.reshape({sentences_, n * S * W});
    for (int64_t g = 0; g < G; ++g) dst.narrow(0, g, 1).copy_from(src.narrow(0, groups[g], 1));
  }
  group_sources_ = std::move(groups);
  return k;
}

const Tensor& IncrementalDecoder::step(const std::vector<int32_t>& prev_tokens) {
  const arch::ModelDims& d = model_.dims();
  HAT_CHECK(sentences_ > 0, kOp, ": step before encode");
  prepare_cross_attention();
  const int64_t B = rows();
  HAT_CHECK(static_cast<int64_t>(prev_tokens.size()) == B, kOp, ": ", prev_tokens.size(),
            " tokens for ", B, " rows");
  HAT_CHECK(step_ < max_steps(), kOp, ": step ", step_, " reaches max_positions ",
            d.max_positions);
  const Tensor tokens = tokens_slot_.get({B, 1}, DType::i32);
  for (int64_t b = 0; b < B; ++b) {
    HAT_CHECK(prev_tokens[b] >= 0 && prev_tokens[b] < d.vocab_size, kOp, ": token ",
              prev_tokens[b], " of row ", b, " outside the vocabulary [0, ", d.vocab_size, ")");
    tokens.data<int32_t>()[b] = prev_tokens[b];
  }
  ensure_capacity(step_ + 1);
  const int64_t dd = arch_.decoder_embed_dim, Q = d.qkv_dim, t = step_ + 1, S = source_len_;

  const model::Param embed = model::embedding_param(model_.parameters(), d, true, dd);
  Tensor y = x_slot_.get({B, dd}, dtype_);
  Tensor y3 = y.reshape({B, 1, dd});
  ops::embedding_forward(tokens, embed.value, std::sqrt(static_cast<double>(dd)), y3);
  ops::add_positions_forward(y3, decoder_positions_, d.padding_idx + 1 + step_, y3);

  const int64_t k = prepare_groups(), G = B / k;
  std::vector<int32_t> group_lengths(G);
  for (int64_t g = 0; g < G; ++g) group_lengths[g] = source_lengths_[group_sources_[g]];
  const Tensor q = q_slot_.get({B, Q}, dtype_), att = att_slot_.get({B, Q}, dtype_);
  for (size_t l = 0; l < layers_.size(); ++l) {
    Layer& L = layers_[l];
    const model::DecoderLayerParams& p = L.params;
    // Self-attention: q of this position; its k | v appended to the cache at position step.
    const int64_t H = arch_.decoder_self_heads[l];
    packed_project(y, L.self_q, q);
    packed_project(y, L.self_kv,
                   L.cache.reshape({B, capacity_ * 2 * Q}).narrow(1, step_ * 2 * Q, 2 * Q));
    decode_attention_forward(q, L.cache, 1, t, H, att);
    const Tensor y1 = model::residual_norm_input(L.self_norm, B, dd, dtype_);
    packed_project(att, L.self_out, y1);
    model::residual_norm_forward(p.self_attn_layer_norm, y, {}, L.self_norm);
    const Tensor& h1 = L.self_norm.out;

    // Encoder-decoder attention: the k rows of a group query their sentence's keys together.
    const int64_t He = arch_.decoder_ende_heads[l], n = L.ende_layers;
    packed_project(h1, L.cross_q, q);
    decode_attention_forward(q, L.kv_group.reshape({G, n * S, 2 * Q}), k, n * S, He, att, S,
                             &group_lengths);
    const Tensor y2 = model::residual_norm_input(L.cross_norm, B, dd, dtype_);
    packed_project(att, L.cross_out, y2);
    model::residual_norm_forward(p.encoder_attn_layer_norm, h1, {}, L.cross_norm);
    const Tensor& h2 = L.cross_norm.out;

    // Feed-forward.
    const Tensor y3f = model::residual_norm_input(L.ffn_norm, B, dd, dtype_);
    L.hidden = L.hidden_slot.get({B, L.fc1.out()}, dtype_);
    packed_project(h2, L.fc1, L.hidden);
    ops::relu_forward(L.hidden, L.hidden);
    packed_project(L.hidden, L.fc2, y3f);
    model::residual_norm_forward(p.final_layer_norm, h2, {}, L.ffn_norm);
    y = L.ffn_norm.out;
  }

  // Output projection and log-softmax.
  logits_ = logits_slot_.get({B, d.vocab_size}, dtype_);
  packed_project(y, output_, logits_);
  ops::log_softmax_rows_inplace(logits_);
  ++step_;
  return logits_;
}

}  // namespace hat::decode
