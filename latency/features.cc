#include "latency/features.h"

#include <numeric>

#include "devices/error.h"

namespace hat::latency {
namespace {

double mean(const std::vector<int64_t>& values) {
  HAT_CHECK(!values.empty(), "hat_features: an architecture with no layers on one side");
  return static_cast<double>(std::accumulate(values.begin(), values.end(), int64_t{0})) /
         static_cast<double>(values.size());
}

}  // namespace

HatFeatures hat_features(const arch::ArchConfig& arch) {
  return {static_cast<double>(arch.encoder_embed_dim), static_cast<double>(arch.encoder_layers),
          mean(arch.encoder_ffn_dims),                 mean(arch.encoder_self_heads),
          static_cast<double>(arch.decoder_embed_dim), static_cast<double>(arch.decoder_layers),
          mean(arch.decoder_ffn_dims),                 mean(arch.decoder_self_heads),
          mean(arch.decoder_ende_heads),               mean(arch.decoder_ende_layers)};
}

}  // namespace hat::latency
