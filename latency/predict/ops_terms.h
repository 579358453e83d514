// The operator-level decomposition of one HAT-protocol inference as our engine runs it
// (supernet/decode/incremental_decoder.cc, latency/protocol.cc): every call's shape reduced to a
// few cost terms that one set of per-device coefficients prices (ops_model.h).
//
// Encoder, once over L tokens (batch 1), per layer l: GEMMs [L, de] x [de, 3Q], [L, Q] x [Q, de],
// [L, de] x [de, f_l], [L, f_l] x [f_l, de]; attention over L keys with H_l heads; two
// residual layer norms; ReLU over L x f_l.
// Decoder run: once, each layer's encoder-decoder keys/values, a GEMM [n_l L, de] x [de, 2Q] over
// the n_l attended encoder outputs; then L steps on the B = beam rows, each layer: GEMMs for
// self q, self k|v, self out, cross q, cross out ([B, dd] x [dd, Q] or [B, Q] x [Q, dd]), the FFN
// pair; self-attention over the t cached positions of step t; cross-attention of the B rows over
// n_l L encoder positions (one group: the beam rows share one sentence); three layer norms; the
// output projection [B, dd] x [dd, V] and log-softmax over V.
//
// Terms (the same for both sides, so one coefficient prices e.g. a weight element read whether
// the encoder or the decoder reads it; that is what lets a fit on one beam or vocabulary
// predict another):
//   gemm_flops 2MKN, gemm_weights K N (weight elements streamed), gemm_calls,
//   attention_flops 4 x queries x keys x Q, attention_heads (query-group, head) pairs,
//   softmax_elements, elementwise_elements (norms, residuals, ReLU, embeddings, log-softmax,
//   copies), encoder_runs, decoder_steps, decoder_runs.
// Sums over layers of per-layer dims are all that enter, except cross-attention's softmax
// (heads x layers attended), see arch_summary.h.
#pragma once

#include <array>
#include <string_view>

#include "latency/predict/arch_summary.h"

namespace hat::latency {

inline constexpr int kOpsTermCount = 10;
inline constexpr std::array<std::string_view, kOpsTermCount> kOpsTermNames = {
    "gemm_flops",       "gemm_weights",         "gemm_calls",   "attention_flops",
    "attention_heads",  "softmax_elements",     "elementwise_elements",
    "encoder_runs",     "decoder_steps",        "decoder_runs"};

using OpsTerms = std::array<double, kOpsTermCount>;

struct OpsDecomposition {
  OpsTerms encoder{}, decoder{};
};

OpsDecomposition ops_terms(const ArchSummary& arch);

}  // namespace hat::latency
