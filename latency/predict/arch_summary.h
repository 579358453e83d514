// What a latency predictor sees of one measurement: the inference setting (vocabulary, L, beam,
// qkv width), HAT's ten features, and the per-side sums the operator model needs. Built from a
// full ArchConfig (exact) or from HAT's averaged features (sums = average x layers; the one
// product term is approximated, see below).
#pragma once

#include <cstdint>

#include "latency/features.h"
#include "supernet/arch/arch_config.h"

namespace hat::latency {

// The protocol and model dimensions a measurement was made with that an ArchConfig does not
// carry.
struct InferenceSetting {
  int64_t vocab_size = 32768;  // output projection width
  int64_t source_length = 30;  // L: source tokens and decoder steps (HAT: 30 WMT, 23 IWSLT)
  int64_t beam = 5;            // decoder rows
  int64_t qkv_dim = 512;

  bool operator==(const InferenceSetting&) const = default;
};

struct ArchSummary {
  InferenceSetting setting;
  HatFeatures features{};
  double encoder_embed = 0, encoder_layers = 0, encoder_ffn_sum = 0, encoder_heads_sum = 0;
  double decoder_embed = 0, decoder_layers = 0, decoder_ffn_sum = 0, decoder_self_heads_sum = 0;
  double decoder_ende_heads_sum = 0;
  double decoder_ende_layers_sum = 0;    // encoder layers attended, summed over decoder layers
  double decoder_ende_product_sum = 0;   // sum over decoder layers of ende heads x ende layers
};

// Exact sums from every layer's choices.
ArchSummary summarize_arch(const arch::ArchConfig& arch, const InferenceSetting& setting);
// From HAT's averages: linear sums are exact (average x layers); sum(heads x layers attended)
// is approximated by layers x average heads x average layers attended.
ArchSummary summarize_features(const HatFeatures& features, const InferenceSetting& setting);

}  // namespace hat::latency
