#include "latency/features.h"

#include <gtest/gtest.h>

namespace hat::latency {
namespace {

TEST(HatFeatures, AveragesPerLayerChoicesAndCountsAttendedEncoderLayers) {
  arch::ArchConfig a;
  a.encoder_embed_dim = 512;
  a.encoder_layers = 2;
  a.encoder_ffn_dims = {1024, 2048};
  a.encoder_self_heads = {4, 8};
  a.decoder_embed_dim = 640;
  a.decoder_layers = 3;
  a.decoder_ffn_dims = {1024, 1024, 3072};
  a.decoder_self_heads = {8, 8, 4};
  a.decoder_ende_heads = {4, 4, 8};
  a.decoder_ende_layers = {1, 2, 2};  // HAT's -1, 1, 1
  const HatFeatures f = hat_features(a);
  const HatFeatures expected = {512, 2, 1536, 6, 640, 3, 5120.0 / 3, 20.0 / 3, 16.0 / 3, 5.0 / 3};
  for (int i = 0; i < kHatFeatureCount; ++i) EXPECT_DOUBLE_EQ(f[i], expected[i]) << kHatFeatureNames[i];
}

}  // namespace
}  // namespace hat::latency
