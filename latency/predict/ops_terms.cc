#include "latency/predict/ops_terms.h"

namespace hat::latency {

namespace {

enum Term {
  kGemmFlops, kGemmWeights, kGemmCalls, kAttentionFlops, kAttentionHeads, kSoftmax,
  kElementwise, kEncoderRuns, kDecoderSteps, kDecoderRuns, kKernelBenchmark
};

// Adds `calls` GEMMs [M, K] x [K, N].
void gemm(OpsTerms& t, double M, double K, double N, double calls = 1) {
  t[kGemmFlops] += calls * 2 * M * K * N;
  t[kGemmWeights] += calls * K * N;
  t[kGemmCalls] += calls;
}

}  // namespace

OpsDecomposition ops_terms(const ArchSummary& a, const KernelCosts* kernels) {
  OpsDecomposition d;
  const double L = static_cast<double>(a.setting.source_length);
  const double B = static_cast<double>(a.setting.beam);
  const double V = static_cast<double>(a.setting.vocab_size);
  const double Q = static_cast<double>(a.setting.qkv_dim);

  // Encoder: per-layer terms linear in f_l and H_l, so the layer sums give them exactly.
  OpsTerms& e = d.encoder;
  const double de = a.encoder_embed, Le = a.encoder_layers, Fe = a.encoder_ffn_sum;
  gemm(e, L, de, 3 * Q, Le);   // fused q|k|v
  gemm(e, L, Q, de, Le);       // out projection
  e[kGemmFlops] += 2 * (2 * L * de * Fe);  // FFN: [L, de] x [de, f] and [L, f] x [f, de]
  e[kGemmWeights] += 2 * de * Fe;
  e[kGemmCalls] += 2 * Le;
  e[kAttentionFlops] += Le * 4 * L * L * Q;  // scores and context, any head split
  e[kAttentionHeads] += a.encoder_heads_sum;
  e[kSoftmax] += a.encoder_heads_sum * L * L;
  e[kElementwise] += L * de + Le * 2 * L * de + L * Fe;  // embedding, two norms a layer, ReLU
  e[kEncoderRuns] = 1;

  // Decoder: keys/values of the attended encoder outputs once, then L steps of B rows.
  OpsTerms& r = d.decoder;
  const double dd = a.decoder_embed, Ld = a.decoder_layers, Fd = a.decoder_ffn_sum;
  const double ende_layers = a.decoder_ende_layers_sum;
  r[kGemmFlops] += 2 * (ende_layers * L) * de * 2 * Q;
  r[kGemmWeights] += Ld * de * 2 * Q;
  r[kGemmCalls] += Ld;
  r[kElementwise] += (ende_layers - Ld) * L * de;  // concatenating encoder outputs when n > 1
  const double steps = L, positions = L * (L + 1) / 2;  // sum over steps of cached positions
  const double Hs = a.decoder_self_heads_sum, Hx = a.decoder_ende_heads_sum;
  if (kernels) {
    r[kElementwise] += steps * B * dd;  // embedding and positions
    // Per step: each layer's 7 GEMMs (self q, self k|v, self out, cross q, cross out, the FFN
    // pair: 6 dd Q + 2 dd f_l weights) and the output projection (dd V); each layer's
    // self-attention over t cached positions (over the steps, the mean t), cross-attention over
    // n_l L encoder positions, three residual layer norms and a ReLU (by linearity, Ld of them
    // at the mean heads and FFN width price the sum); then log-softmax over B x V.
    const KernelCosts& k = *kernels;
    const double layer_weights = 6 * dd * Q * Ld + 2 * dd * Fd, output_weights = dd * V;
    const double F = 4 * (layer_weights + output_weights), f = Fd / Ld;
    const double gemms = k.step_gemms_ms(B, 7 * Ld, layer_weights, output_weights);
    const double layers =
        Ld * (k.self_attention_ms(B, Hs / Ld, (L + 1) / 2, Q, F) +
              k.cross_attention_ms(B, Hx / Ld, L * ende_layers / Ld, Q, F) +
              3 * k.elementwise_ms(k.norm, B * dd) + k.elementwise_ms(k.relu, B * f));
    r[kKernelBenchmark] = steps * (gemms + layers + k.log_softmax_ms(B, V, F));
    // Each call costs more in a running decoder than in its benchmark loop (the weights
    // streamed between calls evict the kernels' code and descriptors): priced per call of the
    // 13 a layer makes (7 GEMMs, 2 attentions, 3 norms, a ReLU) and the step's 2 after them.
    r[kGemmCalls] += steps * (13 * Ld + 2);
  } else {
    // Five [B, dd] <-> [.., Q] projections (self q, self k|v counted as two, self out, cross q,
    // cross out: 6 dd Q weights), the FFN pair, and the output projection, every step.
    r[kGemmFlops] += steps * (2 * B * 6 * dd * Q * Ld + 2 * B * 2 * dd * Fd + 2 * B * dd * V);
    r[kGemmWeights] += steps * (6 * dd * Q * Ld + 2 * dd * Fd + dd * V);
    r[kGemmCalls] += steps * (7 * Ld + 1);
    r[kAttentionFlops] += 4 * B * Q * Ld * positions + steps * 4 * B * L * Q * ende_layers;
    r[kAttentionHeads] += steps * (B * Hs + Hx);
    r[kSoftmax] += B * Hs * positions + steps * B * L * a.decoder_ende_product_sum;
    // Embedding and positions, three norms a layer, ReLU, log-softmax.
    r[kElementwise] += steps * (B * dd + 3 * B * dd * Ld + B * Fd + B * V);
  }
  r[kDecoderSteps] = steps;
  r[kDecoderRuns] = 1;
  return d;
}

}  // namespace hat::latency
