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

#include "devices/threads.h"
#include "supernet/decode/decode_attention.h"
#include "supernet/ops/log_softmax.h"
#include "supernet/model/projection.h"
#include "supernet/ops/embedding.h"
#include "supernet/ops/positions.h"
#include "supernet/ops/relu.h"

namespace hat::decode {

namespace {

constexpr const char* kOp = "IncrementalDecoder";
// Steps with fewer rows (beams x sentences) run on one thread (see step()).
constexpr int64_t kRowsForThreads = 16;
constexpr int64_t kMaxEnde = 3;

}  // namespace

struct IncrementalDecoder::Layer {
  model::DecoderLayerParams params;  // views: layer norms and the encoder-decoder k | v weights
  // The weights every step reads, transposed once (see packed_linear.h).
  PackedLinear self_q, self_kv, self_out, cross_q, cross_out, fc1, fc2;
  int64_t ende_layers = 1;
  // Encoder-decoder keys and values of every encoded sentence (n*S positions each): keys
  // transposed per sentence, [N, Q, n*S], values [N * n*S, Q] (see cross_attention_forward).
  model::Slot k_enc_t_slot, v_enc_slot;
  Tensor k_enc_t, v_enc;
  // Self-attention k | v: step_kv[s] is [rows at step s, 2Q], a block of the decoder's arena.
  std::vector<Tensor> step_kv;
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
  encoder_states_.resize(std::min<int64_t>(arch.encoder_layers, 2));
  encoder_outputs_.resize(arch.encoder_layers);
  encoder_output_slots_.resize(arch.encoder_layers);
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

bool IncrementalDecoder::feeds_cross_attention(int64_t encoder_layer) const {
  for (const Layer& L : layers_)
    for (int64_t j = 0; j < L.ende_layers && j < kMaxEnde; ++j)
      if (arch::ende_source_layer(model_.dims(), arch_.encoder_layers, j) == encoder_layer) return true;
  return false;
}

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
  sentences_ = N, source_len_ = S, step_ = 0;
  for (Layer& L : layers_) L.step_kv.clear();
  cache_arena_.reset();
  source_lengths_ = lengths;
  row_source_.resize(N);
  for (int64_t b = 0; b < N; ++b) row_source_[b] = b;
  ancestry_.clear();
  ancestry_stride_ = 0;

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
    // Two layer states in turn: inference keeps no intermediates, only the outputs that the
    // encoder-decoder attention reads (HAT's arbitrary attention: up to the last three layers),
    // copied out before the state is reused (the last two layers' states are not reused).
    model::EncoderLayerState& state = encoder_states_[l % 2];
    model::encoder_layer_forward(encoder_params_[l], call, x, state);
    x = state.output();
    encoder_outputs_[l] = Tensor();
    if (l + 2 >= Le) {
      encoder_outputs_[l] = x;
    } else if (feeds_cross_attention(l)) {
      encoder_outputs_[l] = encoder_output_slots_[l].get(x.shape(), dtype_);
      encoder_outputs_[l].copy_from(x);
    }
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
    Tensor memory = encoder_outputs_[Le - 1];
    if (n > 1) {
      memory = memory_slot_.get({N * n * S, de}, dtype_);
      const Tensor rows = memory.reshape({N, n * S * de});
      for (int64_t j = 0; j < n && j < kMaxEnde; ++j) {
        const int64_t src = arch::ende_source_layer(d, Le, j);
        rows.narrow(1, j * S * de, S * de)
            .copy_from(encoder_outputs_[src].reshape({N, S * de}));
      }
    }
    const model::CrossAttentionParams& p = L.params.encoder_attn;
    const int64_t nS = n * S;
    const Tensor k_rows = k_rows_slot_.get({N * nS, Q}, dtype_);
    L.v_enc = L.v_enc_slot.get({N * nS, Q}, dtype_);
    const Tensor bk = p.kv_bias.value.narrow(0, 0, Q), bv = p.kv_bias.value.narrow(0, Q, Q);
    model::project(memory, p.k_weight.value, &bk, k_rows);
    model::project(memory, p.v_weight.value, &bv, L.v_enc);
    L.k_enc_t = L.k_enc_t_slot.get({N, Q, nS}, dtype_);
    L.k_enc_t.copy_from(k_rows.reshape({N, nS, Q}).transpose(1, 2));
  }
  cross_attention_ready_ = true;
  note_cache_bytes();
}

int64_t IncrementalDecoder::cache_bytes() const {
  if (!cross_attention_ready_) return 0;
  int64_t elements = 0;
  for (const Layer& L : layers_) elements += L.k_enc_t.numel() + L.v_enc.numel();
  return cache_arena_.bytes_taken() + elements * static_cast<int64_t>(dtype_size(dtype_));
}

void IncrementalDecoder::note_cache_bytes() {
  peak_cache_bytes_ = std::max(peak_cache_bytes_, cache_bytes());
}

void IncrementalDecoder::ensure_ancestry(int64_t steps) {
  if (steps <= ancestry_stride_) return;
  // Doubling keeps the copies rare; the table holds 4 bytes per row and step, against the
  // cache's 8Q bytes per row, step and layer.
  const int64_t stride = std::min(std::max({2 * ancestry_stride_, int64_t{32}, steps}), max_steps());
  const int64_t B = rows();
  spare_ancestry_.assign(static_cast<size_t>(B * stride), 0);
  for (int64_t r = 0; r < B; ++r)
    std::copy_n(ancestry_.begin() + r * ancestry_stride_, step_,
                spare_ancestry_.begin() + r * stride);
  std::swap(ancestry_, spare_ancestry_);
  ancestry_stride_ = stride;
}

void IncrementalDecoder::reorder(const std::vector<int64_t>& indices) {
  HAT_CHECK(sentences_ > 0, kOp, ": reorder before encode");
  const int64_t B = rows(), Bn = static_cast<int64_t>(indices.size());
  HAT_CHECK(Bn >= 1, kOp, ": reorder to no rows");
  for (int64_t i = 0; i < Bn; ++i)
    HAT_CHECK(indices[i] >= 0 && indices[i] < B, kOp, ": reorder index ", indices[i],
              " at ", i, " outside the ", B, " rows");
  // The cache stays where it is: row i inherits the ancestry of old row indices[i].
  spare_ancestry_.resize(static_cast<size_t>(Bn * ancestry_stride_));
  for (int64_t i = 0; i < Bn; ++i)
    std::copy_n(ancestry_.begin() + indices[i] * ancestry_stride_, step_,
                spare_ancestry_.begin() + i * ancestry_stride_);
  std::swap(ancestry_, spare_ancestry_);
  std::vector<int64_t> sources(Bn);
  for (int64_t i = 0; i < Bn; ++i) sources[i] = row_source_[indices[i]];
  row_source_ = std::move(sources);
}

const Tensor& IncrementalDecoder::step(const std::vector<int32_t>& prev_tokens) {
  const arch::ModelDims& d = model_.dims();
  HAT_CHECK(sentences_ > 0, kOp, ": step before encode");
  prepare_cross_attention();
  const int64_t B = rows();
  HAT_CHECK(static_cast<int64_t>(prev_tokens.size()) == B, kOp, ": ", prev_tokens.size(),
            " tokens for ", B, " rows");
  // A step of a few rows runs on one thread: each of its ~30 products and loops takes a few
  // microseconds, and splitting one over two cores costs about as much as it saves (measured on
  // the 2-core VM, one sentence: greedy 1.42 s on one thread, 1.76 s on two; beam 5: 2.14 s,
  // 2.45 s). Independent batches side by side use the cores instead (Translator::set_threads).
  const ThreadLimit one_thread(B < kRowsForThreads ? 1 : 0);
  HAT_CHECK(step_ < max_steps(), kOp, ": step ", step_, " reaches max_positions ",
            d.max_positions);
  const Tensor tokens = tokens_slot_.get({B, 1}, DType::i32);
  for (int64_t b = 0; b < B; ++b) {
    HAT_CHECK(prev_tokens[b] >= 0 && prev_tokens[b] < d.vocab_size, kOp, ": token ",
              prev_tokens[b], " of row ", b, " outside the vocabulary [0, ", d.vocab_size, ")");
    tokens.data<int32_t>()[b] = prev_tokens[b];
  }
  // This step's cache block: row r of it is row r's own; the ancestry row points there.
  ensure_ancestry(step_ + 1);
  for (int64_t r = 0; r < B; ++r) ancestry_[r * ancestry_stride_ + step_] = static_cast<int32_t>(r);
  const int64_t dd = arch_.decoder_embed_dim, Q = d.qkv_dim, S = source_len_;

  const model::Param embed = model::embedding_param(model_.parameters(), d, true, dd);
  Tensor y = x_slot_.get({B, dd}, dtype_);
  Tensor y3 = y.reshape({B, 1, dd});
  ops::embedding_forward(tokens, embed.value, std::sqrt(static_cast<double>(dd)), y3);
  ops::add_positions_forward(y3, decoder_positions_, d.padding_idx + 1 + step_, y3);

  const Tensor q = q_slot_.get({B, Q}, dtype_), att = att_slot_.get({B, Q}, dtype_);
  for (size_t l = 0; l < layers_.size(); ++l) {
    Layer& L = layers_[l];
    const model::DecoderLayerParams& p = L.params;
    // Self-attention: q of this position; its k | v appended to the cache at position step.
    const int64_t H = arch_.decoder_self_heads[l];
    L.step_kv.push_back(cache_arena_.take(B, 2 * Q, dtype_));
    packed_project(y, L.self_q, q);
    packed_project(y, L.self_kv, L.step_kv.back());
    step_attention_forward(q, L.step_kv, ancestry_.data(), ancestry_stride_, H, att);
    const Tensor y1 = model::residual_norm_input(L.self_norm, B, dd, dtype_);
    packed_project(att, L.self_out, y1);
    model::residual_norm_forward(p.self_attn_layer_norm, y, {}, L.self_norm);
    const Tensor& h1 = L.self_norm.out;

    // Encoder-decoder attention: each row reads its sentence's keys/values in place.
    const int64_t He = arch_.decoder_ende_heads[l], n = L.ende_layers;
    packed_project(h1, L.cross_q, q);
    cross_attention_forward(q, L.k_enc_t, L.v_enc.reshape({sentences_, n * S, Q}), row_source_,
                            He, att, S, source_lengths_);
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
  note_cache_bytes();
  return logits_;
}

}  // namespace hat::decode
