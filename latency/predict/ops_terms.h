// The operator-level decomposition of one HAT-protocol inference as our engine runs it
// (supernet/decode/incremental_decoder.cc, latency/measure/protocol.cc): every call's shape reduced to a
// few cost terms that one set of per-device coefficients prices (predictor.h, OpsModel).
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
//
// With the machine's kernel costs (kernel_costs.h: micro-benchmarks of the engine's kernels),
// a decoder step's GEMMs, attention, layer norms, ReLU and log-softmax leave the analytic terms
// and are priced by the benchmarks instead, in milliseconds, into one more term,
// kernel_benchmark_ms, whose coefficient scales them to the measured runs; the encoder stays
// analytic. Every kernel is priced at the step's weight footprint, 4 bytes x (6 dd Q L_d +
// 2 dd F_d + dd V), which decides whether the step reads cache or memory; the step's GEMMs
// together, by the benchmark's step replay where it has one (KernelCosts::step_gemms_ms).
// gemm_calls then counts every kernel call of the steps (13 a layer, 2 after the layers): a
// call in a running decoder costs more than in its benchmark loop. Without kernel costs
// kernel_benchmark_ms is 0; with them, fit_ops leaves decoder_steps and decoder_runs out.
#pragma once

#include <array>
#include <string_view>

#include "latency/predict/arch_summary.h"
#include "latency/predict/kernel_costs.h"

namespace hat::latency {

inline constexpr int kOpsTermCount = 11;
inline constexpr std::array<std::string_view, kOpsTermCount> kOpsTermNames = {
    "gemm_flops",       "gemm_weights",         "gemm_calls",   "attention_flops",
    "attention_heads",  "softmax_elements",     "elementwise_elements",
    "encoder_runs",     "decoder_steps",        "decoder_runs", "kernel_benchmark_ms"};
inline constexpr int kOpsDecoderSteps = 8, kOpsDecoderRuns = 9,  // indices in kOpsTermNames
                     kOpsKernelBenchmark = 10;
// Predictor files written before kernel_benchmark_ms list the first ten (its coefficient 0).
inline constexpr int kOpsTermCountWithoutKernels = 10;

using OpsTerms = std::array<double, kOpsTermCount>;

struct OpsDecomposition {
  OpsTerms encoder{}, decoder{};
};

// `kernels` may be null (no benchmarks of the machine: every term analytic).
OpsDecomposition ops_terms(const ArchSummary& arch, const KernelCosts* kernels = nullptr);

}  // namespace hat::latency
