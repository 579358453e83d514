// The SuperTransformer's forward and backward over one batch (see super_transformer.h).
//
// Followed: HAT's fairseq/models/transformer_super.py (mit-han-lab/hardware-aware-transformers):
// - embeddings: x = sample_embed_scale * embed_tokens(tokens)[..., :d] + positions[..., :d],
//   sample_embed_scale = sqrt(sample_embed_dim); F.dropout(x, p=sample_dropout); the sinusoidal
//   table is built at the super embed dim and sliced;
// - TransformerEncoder.forward keeps every layer's output (encoder_out_all, one entry per SUPER
//   layer: layers past the sampled count are identities returning their input);
// - TransformerDecoder.extract_features: a decoder layer with arbitrary_ende_attn -1 / 1 / 2 reads
//   torch.cat([encoder_out, encoder_out_all[-2], encoder_out_all[-3]][:n], dim=0) (time), with
//   the encoder padding mask repeated n times;
// - no final encoder/decoder LayerNorm (normalize_before False);
// - output_layer: F.linear(x, embed_tokens.sampled_weight('decoder')) when shared, else
//   F.linear(x, embed_out[:, :sample_embed_dim]).
#include "supernet/model/super_transformer.h"

#include <cmath>

#include "devices/random.h"
#include "supernet/model/packing.h"
#include "supernet/model/projection.h"
#include "supernet/model/workspace.h"
#include "supernet/ops/cross_entropy_inplace.h"
#include "supernet/ops/fused_elementwise.h"
#include "supernet/ops/embedding.h"
#include "supernet/ops/positions.h"
#include "supernet/ops/rows.h"

namespace hat::model {

namespace {

// A distinct seed per dropout site, so that no two sites share a mask.
uint64_t site_seed(uint64_t dropout_seed, uint64_t site) {
  return mix64(dropout_seed + kGoldenGamma * (site + 1));
}

void check_dims(const arch::ModelDims& d) {
  HAT_CHECK(d.vocab_size > d.padding_idx && d.padding_idx >= 0, "SuperTransformer: vocabulary "
            "of ", d.vocab_size, " tokens does not contain padding_idx ", d.padding_idx);
  HAT_CHECK(d.encoder_embed_max >= 4 && d.decoder_embed_max >= 4, "SuperTransformer: embed "
            "dims (", d.encoder_embed_max, ", ", d.decoder_embed_max,
            ") must be at least 4 (sinusoidal positions)");
  HAT_CHECK(d.encoder_ffn_max >= 1 && d.decoder_ffn_max >= 1 && d.qkv_dim >= 1 &&
                d.encoder_layers_max >= 1 && d.decoder_layers_max >= 1 && d.max_positions >= 1,
            "SuperTransformer: ffn dims (", d.encoder_ffn_max, ", ", d.decoder_ffn_max,
            "), qkv_dim ", d.qkv_dim, ", layers (", d.encoder_layers_max, ", ",
            d.decoder_layers_max, ") and max_positions ", d.max_positions,
            " must all be positive");
  HAT_CHECK(!d.share_all_embeddings || d.encoder_embed_max == d.decoder_embed_max,
            "SuperTransformer: shared embeddings need equal encoder and decoder embed dims, got ",
            d.encoder_embed_max, " and ", d.decoder_embed_max);
  HAT_CHECK(arch::encoder_positions_width(d) >= d.encoder_embed_max &&
                arch::decoder_positions_width(d) >= d.decoder_embed_max &&
                d.encoder_positions_dim >= 0 && d.decoder_positions_dim >= 0,
            "SuperTransformer: position tables of width (", arch::encoder_positions_width(d), ", ",
            arch::decoder_positions_width(d), ") are narrower than the embed dims (",
            d.encoder_embed_max, ", ", d.decoder_embed_max, ")");
  HAT_CHECK(arch::ende_list_layers(d) >= d.encoder_layers_max && d.ende_encoder_layers >= 0,
            "SuperTransformer: ende_encoder_layers ", d.ende_encoder_layers,
            " is below encoder_layers_max ", d.encoder_layers_max);
}

void check_tokens(const Tensor& t, int64_t rows, const std::vector<int32_t>& lengths,
                  int32_t pad, const char* name) {
  HAT_CHECK(t.defined() && t.dtype() == DType::i32 && t.dim() == 2 && t.is_contiguous() &&
                t.size(0) == rows,
            "SuperTransformer: batch ", name, " must be dense i32 [", rows, ", T], got ",
            t.describe());
  HAT_CHECK(static_cast<int64_t>(lengths.size()) == rows, "SuperTransformer: batch has ",
            lengths.size(), " ", name, " lengths for ", rows, " rows");
  const int64_t time = t.size(1);
  const int32_t* p = t.data<int32_t>();
  for (int64_t b = 0; b < rows; ++b) {
    HAT_CHECK(lengths[b] >= 1 && lengths[b] <= time, "SuperTransformer: ", name, " length ",
              lengths[b], " of row ", b, " is outside [1, ", time, "] (", t.describe(), ")");
    for (int64_t i = 0; i < time; ++i)
      HAT_CHECK((p[b * time + i] == pad) == (i >= lengths[b]), "SuperTransformer: ", name,
                " row ", b, " of ", t.describe(), " has length ", lengths[b], " but token ",
                p[b * time + i], " at position ", i, " (padding ", pad,
                " must fill exactly the positions past the length)");
  }
}

void check_batch(const ModelBatch& batch, const arch::ModelDims& dims) {
  const int64_t rows = batch.rows();
  HAT_CHECK(rows >= 1, "SuperTransformer: empty batch");
  check_tokens(batch.source, rows, batch.source_lengths, dims.padding_idx, "source");
  check_tokens(batch.target_input, rows, batch.target_lengths, dims.padding_idx, "target_input");
  check_tokens(batch.target_output, rows, batch.target_lengths, dims.padding_idx,
               "target_output");
  HAT_CHECK(batch.target_input.size(1) == batch.target_output.size(1),
            "SuperTransformer: target_input ", batch.target_input.describe(),
            " and target_output ", batch.target_output.describe(), " differ in shape");
  HAT_CHECK(batch.source.size(1) <= dims.max_positions &&
                batch.target_input.size(1) <= dims.max_positions,
            "SuperTransformer: sentences of ", batch.source.size(1), " source and ",
            batch.target_input.size(1), " target tokens exceed max_positions ",
            dims.max_positions);
}

// x = dropout(scale * E[tokens, :d] + positions[:, :d]), written into x ([B*T, d]).
void embed_forward(const Tensor& tokens, const Param& table, double scale,
                   const Tensor& positions, int32_t pad, SublayerDropout dropout, const Tensor& x) {
  Tensor x3 = x.reshape({tokens.size(0), tokens.size(1), x.size(1)});
  ops::embedding_forward(tokens, table.value, scale, x3);
  ops::add_positions_forward(x3, positions, pad + 1, x3);  // fairseq numbers tokens from pad + 1
  ops::dropout_apply(x, dropout.p, dropout.seed, x);
}

// From dx = dL/dx (overwritten): the embedding table's gradient (the pad row gets none).
void embed_backward(const Tensor& tokens, const Param& table, double scale, int32_t pad,
                    SublayerDropout dropout, const Tensor& dx) {
  ops::dropout_apply(dx, dropout.p, dropout.seed, dx);  // D dx, in place; positions: identity
  ops::embedding_backward(tokens, dx.reshape({tokens.size(0), tokens.size(1), dx.size(1)}), scale,
                          pad, table.grad);
}

}  // namespace

SuperTransformer::SuperTransformer(const arch::ModelDims& dims, DType dtype)
    : dims_(dims), params_(dtype), workspace_(std::make_unique<Workspace>()) {
  HAT_CHECK(dtype == DType::f32 || dtype == DType::f64, "SuperTransformer: type ",
            dtype_name(dtype), " is not f32 or f64");
  check_dims(dims);
  declare_parameters(dims, params_);
  params_.allocate();
  Workspace& w = *workspace_;
  const int64_t rows = dims.max_positions + dims.padding_idx + 1;  // fairseq's init_size
  w.encoder_positions =
      ops::sinusoidal_table(rows, arch::encoder_positions_width(dims), dims.padding_idx, dtype);
  w.decoder_positions =
      ops::sinusoidal_table(rows, arch::decoder_positions_width(dims), dims.padding_idx, dtype);
  w.encoder.resize(dims.encoder_layers_max);
  w.decoder.resize(dims.decoder_layers_max);
}

SuperTransformer::~SuperTransformer() = default;

LossSums SuperTransformer::forward_backward(const arch::ArchConfig& arch, const ModelBatch& batch,
                                            const Regularization& reg, uint64_t dropout_seed,
                                            double grad_scale) {
  return run(arch, batch, reg, dropout_seed, true, grad_scale);
}

LossSums SuperTransformer::evaluate(const arch::ArchConfig& arch, const ModelBatch& batch,
                                    double label_smoothing) {
  Regularization reg;
  reg.dropout = reg.attention_dropout = reg.activation_dropout = 0.0;
  reg.label_smoothing = label_smoothing;
  return run(arch, batch, reg, 0, false, 0.0);
}

LossSums SuperTransformer::run(const arch::ArchConfig& arch, const ModelBatch& batch,
                               const Regularization& reg, uint64_t seed, bool training,
                               double grad_scale) {
  check_arch(arch);
  check_batch(batch, dims_);
  HAT_CHECK(reg.dropout >= 0 && reg.dropout < 1 && reg.attention_dropout >= 0 &&
                reg.attention_dropout < 1 && reg.activation_dropout >= 0 &&
                reg.activation_dropout < 1,
            "SuperTransformer: dropout probabilities (", reg.dropout, ", ", reg.attention_dropout,
            ", ", reg.activation_dropout, ") must be in [0, 1)");
  Workspace& w = *workspace_;
  CallPlan& plan = w.plan;
  const DType dtype = params_.values().dtype();
  const int64_t B = batch.rows(), S = batch.source.size(1), T = batch.target_input.size(1);
  const int64_t de = arch.encoder_embed_dim, dd = arch.decoder_embed_dim;
  const int64_t Le = arch.encoder_layers, Ld = arch.decoder_layers;
  plan = CallPlan{};
  plan.batch = B, plan.source_len = S, plan.target_len = T;
  plan.encoder_embed = de, plan.decoder_embed = dd, plan.encoder_layers = Le;
  plan.decoder_layers = Ld, plan.training = training;

  // HAT's calc_dropout: p * sampled / super embed dim, per side (only when training). A
  // standalone model's maxima are its own dims, so training one directly would drop out more
  // than HAT does; hattrain --init therefore fine-tunes inside the SuperTransformer.
  const double on = training ? 1.0 : 0.0;
  const double enc_ratio = static_cast<double>(de) / dims_.encoder_embed_max;
  const double dec_ratio = static_cast<double>(dd) / dims_.decoder_embed_max;
  const double p_enc = on * reg.dropout * enc_ratio, p_dec = on * reg.dropout * dec_ratio;
  const double act_enc = on * reg.activation_dropout * enc_ratio;
  const double act_dec = on * reg.activation_dropout * dec_ratio;
  const double p_attn = on * reg.attention_dropout, p_enc_attn_out = on * reg.dropout;
  plan.encoder_embed_dropout = {p_enc, site_seed(seed, 0)};
  plan.decoder_embed_dropout = {p_dec, site_seed(seed, 1)};
  plan.embed_scale_encoder = std::sqrt(static_cast<double>(de));
  plan.embed_scale_decoder = std::sqrt(static_cast<double>(dd));

  // Ones for the bias gradients: rows up to B * 3 * S (encoder attention keys) or B * T.
  const int64_t ones_needed = std::max(B * kMaxEndeLayers * S, B * T);
  if (!w.ones.defined() || w.ones.dtype() != dtype || w.ones.size(1) < ones_needed) {
    w.ones = Tensor::zeros({1, ones_needed + ones_needed / 4}, dtype);
    if (dtype == DType::f32)
      std::fill_n(w.ones.data<float>(), w.ones.numel(), 1.0f);
    else
      std::fill_n(w.ones.data<double>(), w.ones.numel(), 1.0);
  }

  // ---- encoder ----
  const Param enc_embed = embedding_param(params_, dims_, false, de);
  w.encoder_x0 = w.encoder_embed_slot.get({B * S, de}, dtype);
  embed_forward(batch.source, enc_embed, plan.embed_scale_encoder, w.encoder_positions,
                dims_.padding_idx, plan.encoder_embed_dropout, w.encoder_x0);
  ops::AttentionMask source_mask;
  source_mask.key_lengths = batch.source_lengths;
  w.encoder_params.clear();
  Tensor x = w.encoder_x0;
  for (int64_t l = 0; l < Le; ++l) {
    w.encoder_params.push_back(
        encoder_layer_params(params_, dims_, l, de, arch.encoder_ffn_dims[l]));
    const uint64_t site = 2 + 8 * static_cast<uint64_t>(l);
    EncoderLayerCall call;
    call.self_attn = {B, S, S, arch.encoder_self_heads[l], {source_mask, 1}, p_attn,
                      site_seed(seed, site)};
    call.attn_out = {p_enc_attn_out, site_seed(seed, site + 1)};
    call.activation = {act_enc, site_seed(seed, site + 2)};
    call.ffn_out = {p_enc, site_seed(seed, site + 3)};
    encoder_layer_forward(w.encoder_params[l], call, x, w.encoder[l]);
    x = w.encoder[l].output();
  }

  // ---- encoder outputs each decoder layer attends to ----
  // encoder_out_all[-1 - j] of HAT's list over super layers is the output of layer
  // L_max - 1 - j, which for layers past the sampled count is the last active layer's output.
  for (int64_t i = 0; i < Ld; ++i) plan.memory_used[arch.decoder_ende_layers[i]] = true;
  for (int64_t n = 1; n <= kMaxEndeLayers; ++n) {
    for (int64_t j = 0; j < n; ++j)
      plan.sources[n].push_back(arch::ende_source_layer(dims_, Le, j));
    if (!plan.memory_used[n]) continue;
    if (n == 1) {
      w.memory[1] = w.encoder[Le - 1].output();
      continue;
    }
    w.memory[n] = w.memory_slots[n].get({B * n * S, de}, dtype);
    const Tensor rows = w.memory[n].reshape({B, n * S * de});
    for (int64_t j = 0; j < n; ++j)
      rows.narrow(1, j * S * de, S * de)
          .copy_from(w.encoder[plan.sources[n][j]].output().reshape({B, S * de}));
  }

  // ---- decoder ----
  const Param dec_embed = embedding_param(params_, dims_, true, dd);
  w.decoder_x0 = w.decoder_embed_slot.get({B * T, dd}, dtype);
  embed_forward(batch.target_input, dec_embed, plan.embed_scale_decoder, w.decoder_positions,
                dims_.padding_idx, plan.decoder_embed_dropout, w.decoder_x0);
  ops::AttentionMask causal;
  causal.causal = true;
  w.decoder_params.clear();
  Tensor y = w.decoder_x0;
  for (int64_t l = 0; l < Ld; ++l) {
    w.decoder_params.push_back(
        decoder_layer_params(params_, dims_, l, dd, de, arch.decoder_ffn_dims[l]));
    const int64_t n = arch.decoder_ende_layers[l];
    const uint64_t site = 2 + 8 * static_cast<uint64_t>(dims_.encoder_layers_max + l);
    DecoderLayerCall call;
    call.self_attn = {B, T, T, arch.decoder_self_heads[l], {causal, 1}, p_attn,
                      site_seed(seed, site)};
    call.self_out = {p_dec, site_seed(seed, site + 1)};
    call.cross_attn = {B, T, n * S, arch.decoder_ende_heads[l], {source_mask, n}, p_attn,
                       site_seed(seed, site + 2)};
    call.cross_out = {p_dec, site_seed(seed, site + 3)};
    call.activation = {act_dec, site_seed(seed, site + 4)};
    call.ffn_out = {p_dec, site_seed(seed, site + 5)};
    decoder_layer_forward(w.decoder_params[l], call, y, w.memory[n], w.decoder[l]);
    y = w.decoder[l].output();
  }

  // ---- output projection and loss, on the real target tokens only ----
  // Padding rows would cost a [V, d] product each and contribute nothing to the loss.
  int64_t tokens = 0;
  for (int32_t n : batch.target_lengths) tokens += n;
  plan.target_tokens = tokens;
  if (tokens < B * T) {
    w.output_input = w.output_input_slot.get({tokens, dd}, dtype);
    pack_rows(y, batch.target_lengths, w.output_input);
    w.output_targets = w.output_targets_slot.get({tokens, 1}, DType::i32);
    pack_rows(batch.target_output.reshape({B * T, 1}), batch.target_lengths, w.output_targets);
  } else {
    w.output_input = y;
    w.output_targets = batch.target_output.reshape({B * T, 1});
  }
  const Param out = output_param(params_, dims_, dd);
  w.logits = w.logits_slot.get({tokens, dims_.vocab_size}, dtype);
  project(w.output_input, out.value, nullptr, w.logits);
  const ops::CrossEntropyResult ce = ops::label_smoothed_cross_entropy_inplace(
      w.logits, w.output_targets.reshape({tokens}), reg.label_smoothing, dims_.padding_idx,
      grad_scale, training);
  if (training) backward(arch, batch);
  return {ce.loss, ce.nll_loss, ce.tokens};
}

void SuperTransformer::backward(const arch::ArchConfig& arch, const ModelBatch& batch) {
  Workspace& w = *workspace_;
  const CallPlan& plan = w.plan;
  const DType dtype = params_.values().dtype();
  const int64_t B = plan.batch, S = plan.source_len, T = plan.target_len;
  const int64_t de = plan.encoder_embed, dd = plan.decoder_embed;

  // Output projection: dy = dlogits E, dE += dlogits^T y (the logits now hold dlogits), on the
  // packed rows; padding rows of dy are 0.
  const Param out = output_param(params_, dims_, dd);
  Tensor g = w.decoder_grad.get({B * T, dd}, dtype);
  Tensor spare = w.decoder_spare.get({B * T, dd}, dtype);
  if (plan.target_tokens < B * T) {
    const Tensor packed = w.output_grad_slot.get({plan.target_tokens, dd}, dtype);
    project_backward_input(w.logits, out.value, packed, false);
    unpack_rows(packed, batch.target_lengths, g);
  } else {
    project_backward_input(w.logits, out.value, g, false);
  }
  project_backward_params(w.output_input, w.logits, out.grad, Tensor(), w.ones);

  // Decoder layers; the gradients of the encoder outputs they read gather in encoder_grad
  // (n = 1: the last layer's output) and in one buffer per n > 1.
  Tensor eg = w.encoder_grad.get({B * S, de}, dtype);
  std::array<Tensor, kMaxEndeLayers + 1> dmemory;
  std::array<bool, kMaxEndeLayers + 1> written{};
  dmemory[1] = eg;
  for (int64_t n = 2; n <= kMaxEndeLayers; ++n)
    if (plan.memory_used[n]) dmemory[n] = w.dmemory_slots[n].get({B * n * S, de}, dtype);
  for (int64_t l = plan.decoder_layers - 1; l >= 0; --l) {
    const int64_t n = arch.decoder_ende_layers[l];
    decoder_layer_backward(w.decoder_params[l], w.decoder[l], g, spare, dmemory[n], written[n],
                           w.scratch, w.ones);
    written[n] = true;
  }
  const Param dec_embed = embedding_param(params_, dims_, true, dd);
  embed_backward(batch.target_input, dec_embed, plan.embed_scale_decoder, dims_.padding_idx,
                 plan.decoder_embed_dropout, g);

  // Encoder layers, last to first; each layer's output gradient first receives the segments of
  // the decoder's memory gradients that came from it.
  if (!written[1]) eg.zero_();
  Tensor espare = w.encoder_spare.get({B * S, de}, dtype);
  for (int64_t l = plan.encoder_layers - 1; l >= 0; --l) {
    for (int64_t n = 2; n <= kMaxEndeLayers; ++n) {
      if (!written[n]) continue;
      const Tensor rows = dmemory[n].reshape({B, n * S * de});
      for (int64_t j = 0; j < n; ++j)
        if (plan.sources[n][j] == l)
          ops::add_into(eg.reshape({B, S * de}), rows.narrow(1, j * S * de, S * de),
                        "SuperTransformer");
    }
    encoder_layer_backward(w.encoder_params[l], w.encoder[l], eg, espare, w.scratch, w.ones);
  }
  const Param enc_embed = embedding_param(params_, dims_, false, de);
  embed_backward(batch.source, enc_embed, plan.embed_scale_encoder, dims_.padding_idx,
                 plan.encoder_embed_dropout, eg);
}

}  // namespace hat::model
