// Synthetic latency rows for the predictor tests: random architectures of HAT's ranges at random
// settings, timed by an operator model with known coefficients.
#pragma once

#include <cmath>

#include "devices/random.h"
#include "latency/predict/kernel_costs.h"
#include "latency/predict/predictor.h"
#include "latency/predict/training_rows.h"

namespace hat::latency::test_data {

inline double uniform(uint64_t& s) { return static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53; }

inline int64_t pick(uint64_t& s, std::initializer_list<int64_t> choices) {
  return *(choices.begin() + splitmix64(s) % choices.size());
}

inline arch::ArchConfig random_arch(uint64_t& s) {
  arch::ArchConfig a;
  a.encoder_embed_dim = pick(s, {512, 640});
  a.decoder_embed_dim = pick(s, {512, 640});
  a.encoder_layers = pick(s, {4, 5, 6});
  a.decoder_layers = pick(s, {1, 2, 3, 4, 5, 6});
  for (int64_t l = 0; l < a.encoder_layers; ++l) {
    a.encoder_ffn_dims.push_back(pick(s, {512, 1024, 2048, 3072}));
    a.encoder_self_heads.push_back(pick(s, {2, 4, 8}));
  }
  for (int64_t l = 0; l < a.decoder_layers; ++l) {
    a.decoder_ffn_dims.push_back(pick(s, {512, 1024, 2048, 3072}));
    a.decoder_self_heads.push_back(pick(s, {2, 4, 8}));
    a.decoder_ende_heads.push_back(pick(s, {2, 4, 8}));
    a.decoder_ende_layers.push_back(pick(s, {1, 2, 3}));
  }
  return a;
}

// Coefficients of a plausible CPU (ms per unit of each term).
inline OpsModel known_ops() {
  OpsModel m;
  m.coefficients = {2e-8, 4e-7, 5e-3, 5e-8, 1e-3, 2e-6, 1e-6, 0.3, 0.05, 0.4};
  return m;
}

// `n` rows; with vary_setting each row has its own vocabulary, L and beam.
inline PredictorData synthetic_data(size_t n, uint64_t seed, bool vary_setting,
                                    const OpsModel& ops = known_ops(), double noise = 0) {
  uint64_t s = seed * 7919 + 1;
  PredictorData d;
  d.source = "synthetic";
  for (size_t i = 0; i < n; ++i) {
    InferenceSetting setting = d.setting;
    if (vary_setting) {
      setting.vocab_size = pick(s, {8000, 16000, 32768});
      setting.source_length = pick(s, {10, 20, 30});
      setting.beam = pick(s, {1, 2, 5});
    }
    PredictorRow r;
    r.arch = summarize_arch(random_arch(s), setting);
    const OpsDecomposition t = ops_terms(r.arch);
    r.encoder_ms = ops.encoder_ms(t) * (1 + noise * (2 * uniform(s) - 1));
    r.decoder_ms = ops.decoder_ms(t) * (1 + noise * (2 * uniform(s) - 1));
    d.rows.push_back(r);
  }
  return d;
}

// Kernel costs of host "test" with two row counts and two footprints: every interpolation of
// them is easy to do by hand.
inline KernelCosts hand_kernel_costs() {
  KernelCosts k;
  k.host = "test";
  k.rows = {1, 5};
  k.hot = {{0.001, 1e-8}, {0.002, 2e-8}};
  k.cold = {{0.003, 1e-7}, {0.004, 2e-7}};
  k.footprint_bytes = {1e6, 1e8};
  k.cold_share = {0, 1};
  k.self_attention = {{256}, {{0.002, 1e-4, 1e-7}}, {{0.004, 2e-4, 3e-7}}};
  k.cross_attention = {{256}, {{0.003, 1e-4, 2e-7, 5e-7}}, {{0.005, 3e-4, 4e-7, 9e-7}}};
  k.norm = {0.001, 1e-6}, k.relu = {0.0005, 5e-7};
  k.softmax_hot = {0.01, 1e-6}, k.softmax_cold = {0.02, 3e-6};
  return k;
}

// `data` with a smooth dependence on the dims that the operator model lacks (slower with a wider
// encoder embedding and more decoder layers), for a hybrid's residual to learn.
inline PredictorData with_unmodelled_structure(PredictorData data) {
  for (PredictorRow& r : data.rows) {
    r.encoder_ms *= 1 + 0.5 * r.arch.features[0] / kHatFeatureScale[0];
    r.decoder_ms *= 1 + 0.3 * r.arch.features[5] / kHatFeatureScale[5];
  }
  return data;
}

}  // namespace hat::latency::test_data
