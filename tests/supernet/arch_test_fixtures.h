// Shared by the arch_*_test.cc suites: HAT SubTransformer fixtures (copies of HAT's files), an
// example architecture with its canonical text, and small helpers.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "devices/error.h"
#include "supernet/arch/arch_config.h"
#include "supernet/arch/arch_file.h"
#include "supernet/arch/space_file.h"
#include "tests/support/test_util.h"  // expect_error

namespace hat::test {

// Copies of three of HAT's published SubTransformers (configs/*/subtransformer/, see
// ../shared/data/hat-configs/SOURCE.md), so the test runs without the shared folder.
inline const char* const kHatWmtPi35 = R"(encoder-embed-dim-subtransformer: 512
decoder-embed-dim-subtransformer: 512

encoder-ffn-embed-dim-all-subtransformer: [1024, 3072, 3072, 2048, 2048, 2048]
decoder-ffn-embed-dim-all-subtransformer: [3072]

encoder-layer-num-subtransformer: 6
decoder-layer-num-subtransformer: 1

encoder-self-attention-heads-all-subtransformer: [4, 8, 4, 4, 4, 8]
decoder-self-attention-heads-all-subtransformer: [8]
decoder-ende-attention-heads-all-subtransformer: [8]

# for arbitrary encoder decoder attention. -1 means attending to last one encoder layer
# 1 means last two encoder layers, 2 means last three encoder layers
decoder-arbitrary-ende-attn-all-subtransformer: [-1]
)";

inline const char* const kHatWmtXeon4509 = R"(encoder-embed-dim-subtransformer: 512
decoder-embed-dim-subtransformer: 512

encoder-ffn-embed-dim-all-subtransformer: [3072, 3072, 3072, 3072, 3072, 3072]
decoder-ffn-embed-dim-all-subtransformer: [3072, 3072, 3072, 3072, 3072, 3072]

encoder-layer-num-subtransformer: 6
decoder-layer-num-subtransformer: 6

encoder-self-attention-heads-all-subtransformer: [4, 4, 8, 8, 8, 4]
decoder-self-attention-heads-all-subtransformer: [8, 8, 8, 4, 4, 4]
decoder-ende-attention-heads-all-subtransformer: [4, 8, 8, 8, 8, 8]

# for arbitrary encoder decoder attention. -1 means attending to last one encoder layer
# 1 means last two encoder layers, 2 means last three encoder layers
decoder-arbitrary-ende-attn-all-subtransformer: [-1, 1, 1, 1, -1, -1]
)";

inline const char* const kHatIwsltTitan1090 = R"(encoder-embed-dim-subtransformer: 512
decoder-embed-dim-subtransformer: 512

encoder-ffn-embed-dim-all-subtransformer: [1024, 1024, 1024, 1024, 1024, 1024]
decoder-ffn-embed-dim-all-subtransformer: [1024, 1024, 2048]

encoder-layer-num-subtransformer: 6
decoder-layer-num-subtransformer: 3

encoder-self-attention-heads-all-subtransformer: [4, 4, 4, 4, 4, 4]
decoder-self-attention-heads-all-subtransformer: [4, 4, 4]
decoder-ende-attention-heads-all-subtransformer: [4, 4, 4]

# for arbitrary encoder decoder attention. -1 means attending to last one encoder layer
# 1 means last two encoder layers, 2 means last three encoder layers
decoder-arbitrary-ende-attn-all-subtransformer: [2, -1, -1]
)";

// Lists longer than the layer count (HAT's sample_configs writes the attend-to list for every
// SuperTransformer layer, and HAT reads only the first N entries): 4 of 6 encoder, 2 of 6 decoder.
inline const char* const kHatLongLists = R"(encoder-embed-dim-subtransformer: 640
decoder-embed-dim-subtransformer: 512
encoder-ffn-embed-dim-all-subtransformer: [3072, 2048, 1024, 3072, 2048, 1024]
decoder-ffn-embed-dim-all-subtransformer: [2048, 1024, 3072, 3072, 3072, 3072]
encoder-layer-num-subtransformer: 4
decoder-layer-num-subtransformer: 2
encoder-self-attention-heads-all-subtransformer: [8, 4, 8, 4, 8, 8]
decoder-self-attention-heads-all-subtransformer: [4, 8, 8, 8, 8, 8]
decoder-ende-attention-heads-all-subtransformer: [8, 4, 4, 4, 4, 4]
decoder-arbitrary-ende-attn-all-subtransformer: [2, 1, 0, 7, -1, -1]
)";

inline arch::ArchConfig example_arch() {
  arch::ArchConfig a;
  a.encoder_embed_dim = 512;
  a.encoder_layers = 6;
  a.encoder_ffn_dims = {3072, 3072, 3072, 3072, 3072, 3072};
  a.encoder_self_heads = {4, 4, 8, 8, 8, 4};
  a.decoder_embed_dim = 512;
  a.decoder_layers = 2;
  a.decoder_ffn_dims = {3072, 3072};
  a.decoder_self_heads = {8, 8};
  a.decoder_ende_heads = {8, 8};
  a.decoder_ende_layers = {1, 2};
  return a;
}

inline const char* const kExampleCanonical = R"(encoder:
  embed_dim: 512
  layers: 6
  ffn_dims: [3072, 3072, 3072, 3072, 3072, 3072]
  self_heads: [4, 4, 8, 8, 8, 4]
decoder:
  embed_dim: 512
  layers: 2
  ffn_dims: [3072, 3072]
  self_heads: [8, 8]
  ende_heads: [8, 8]
  ende_layers: [1, 2]
)";

inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// HAT's published configs, as committed in experiments/hat-configs (see SOURCE.md there).
inline std::filesystem::path hat_configs_dir() { return arch::published_configs_directory(); }

}  // namespace hat::test
