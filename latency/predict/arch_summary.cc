#include "latency/predict/arch_summary.h"

#include <numeric>

namespace hat::latency {

namespace {

double sum(const std::vector<int64_t>& v) {
  return static_cast<double>(std::accumulate(v.begin(), v.end(), int64_t{0}));
}

}  // namespace

ArchSummary summarize_arch(const arch::ArchConfig& arch, const InferenceSetting& setting) {
  ArchSummary s;
  s.setting = setting;
  s.features = hat_features(arch);
  s.encoder_embed = static_cast<double>(arch.encoder_embed_dim);
  s.encoder_layers = static_cast<double>(arch.encoder_layers);
  s.encoder_ffn_sum = sum(arch.encoder_ffn_dims);
  s.encoder_heads_sum = sum(arch.encoder_self_heads);
  s.decoder_embed = static_cast<double>(arch.decoder_embed_dim);
  s.decoder_layers = static_cast<double>(arch.decoder_layers);
  s.decoder_ffn_sum = sum(arch.decoder_ffn_dims);
  s.decoder_self_heads_sum = sum(arch.decoder_self_heads);
  s.decoder_ende_heads_sum = sum(arch.decoder_ende_heads);
  s.decoder_ende_layers_sum = sum(arch.decoder_ende_layers);
  for (size_t l = 0; l < arch.decoder_ende_heads.size() && l < arch.decoder_ende_layers.size(); ++l)
    s.decoder_ende_product_sum +=
        static_cast<double>(arch.decoder_ende_heads[l] * arch.decoder_ende_layers[l]);
  return s;
}

ArchSummary summarize_features(const HatFeatures& f, const InferenceSetting& setting) {
  ArchSummary s;
  s.setting = setting;
  s.features = f;
  s.encoder_embed = f[0];
  s.encoder_layers = f[1];
  s.encoder_ffn_sum = f[2] * f[1];
  s.encoder_heads_sum = f[3] * f[1];
  s.decoder_embed = f[4];
  s.decoder_layers = f[5];
  s.decoder_ffn_sum = f[6] * f[5];
  s.decoder_self_heads_sum = f[7] * f[5];
  s.decoder_ende_heads_sum = f[8] * f[5];
  s.decoder_ende_layers_sum = f[9] * f[5];
  s.decoder_ende_product_sum = f[8] * f[9] * f[5];
  return s;
}

}  // namespace hat::latency
