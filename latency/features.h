// HAT's ten architecture features (hardware-aware-transformers, utils.get_config_features): the
// inputs of HAT's latency predictor and the columns of its latency CSV files.
#pragma once

#include <array>
#include <string_view>

#include "supernet/arch/arch_config.h"

namespace hat::latency {

inline constexpr int kHatFeatureCount = 10;

// Column names, in HAT's order.
inline constexpr std::array<std::string_view, kHatFeatureCount> kHatFeatureNames = {
    "encoder_embed_dim",          "encoder_layer_num",
    "encoder_ffn_embed_dim_avg",  "encoder_self_attention_heads_avg",
    "decoder_embed_dim",          "decoder_layer_num",
    "decoder_ffn_embed_dim_avg",  "decoder_self_attention_heads_avg",
    "decoder_ende_attention_heads_avg", "decoder_arbitrary_ende_attn_avg"};

// HAT's predictor divides each feature by these (latency_predictor.py).
inline constexpr std::array<double, kHatFeatureCount> kHatFeatureScale = {640, 6, 2048, 6, 640,
                                                                          6,   2048, 6, 6, 2};

using HatFeatures = std::array<double, kHatFeatureCount>;

// Embed dims and layer counts as they are; per-layer choices averaged over the active layers;
// the arbitrary attention averaged as the number of encoder layers attended (HAT maps its
// -1/1/2 to 1/2/3, which is our decoder_ende_layers).
HatFeatures hat_features(const arch::ArchConfig& arch);

}  // namespace hat::latency
