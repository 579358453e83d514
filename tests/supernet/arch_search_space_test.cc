// Search spaces: validation messages, deterministic uniform sampling that covers every choice,
// and the largest and smallest SubTransformers.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/search_space.h"
#include "supernet/arch/space_file.h"
#include "tests/supernet/arch_test_fixtures.h"

namespace hat {
namespace {

using test::expect_error;

arch::SearchSpace wmt() { return arch::load_space_file("wmt14.en-de").space; }

TEST(SearchSpace, ValidateArchNamesFieldLayerValueAllowedValuesAndSpace) {
  const arch::SearchSpace s = wmt();
  arch::ArchConfig a = arch::largest_arch(s);
  EXPECT_NO_THROW(arch::validate_arch(s, a));

  arch::ArchConfig b = a;
  b.decoder_ffn_dims[1] = 4096;
  expect_error([&] { arch::validate_arch(s, b); }, {"decoder layer 2 of 6", "ffn dim 4096",
                                                    "'wmt14.en-de'", "allowed 3072, 2048, 1024"});
  b = a;
  b.encoder_embed_dim = 768;
  expect_error([&] { arch::validate_arch(s, b); }, {"encoder embed dim 768", "allowed 640, 512"});
  b = a;
  b.encoder_self_heads[5] = 2;
  expect_error([&] { arch::validate_arch(s, b); },
               {"encoder layer 6 of 6", "self-attention heads 2", "allowed 8, 4"});
  b = a;
  b.decoder_ende_heads[0] = 16;
  expect_error([&] { arch::validate_arch(s, b); },
               {"decoder layer 1", "encoder-decoder attention heads 16"});
  b = a;
  b.decoder_ende_layers[3] = 4;
  expect_error([&] { arch::validate_arch(s, b); },
               {"decoder layer 4", "attend-to encoder layers 4", "allowed 1, 2, 3"});
  b = a;
  b.encoder_layers = 5;
  expect_error([&] { arch::validate_arch(s, b); }, {"encoder layer count 5", "allowed 6"});
  b = a;
  b.decoder_layers = 5;  // lists still have 6 entries
  expect_error([&] { arch::validate_arch(s, b); }, {"decoder ffn dim has 6 entries for 5 layers"});
}

TEST(SearchSpace, ValidateArchChecksAttendToAgainstTheEncoderDepth) {
  // Only reachable with a space validate_space would refuse (attend-to 3 with 2-layer encoders).
  arch::SearchSpace s = wmt();
  s.encoder_layer_choices = {6, 2};
  arch::ArchConfig a = arch::smallest_arch(wmt());
  a.encoder_layers = 2;
  a.encoder_ffn_dims.resize(2);
  a.encoder_self_heads.resize(2);
  a.decoder_ende_layers = {3};
  expect_error([&] { arch::validate_arch(s, a); },
               {"decoder layer 1 of 1", "last 3 encoder layers", "has 2"});
  expect_error([&] { arch::validate_space(s); }, {"attend-to", "choice 3", "exceeds"});
}

TEST(SearchSpace, ValidateSpaceRejectsInconsistentSpaces) {
  const arch::SearchSpace good = wmt();
  EXPECT_NO_THROW(arch::validate_space(good));
  arch::SearchSpace s = good;
  s.decoder_ffn_choices.clear();
  expect_error([&] { arch::validate_space(s); },
               {"'wmt14.en-de'", "decoder ffn dim has no choices"});
  s = good;
  s.encoder_ffn_choices.push_back(4096);
  expect_error([&] { arch::validate_space(s); },
               {"encoder ffn dim choice 4096", "exceeds", "3072"});
  s = good;
  s.decoder_self_heads_choices = {8, 3};
  expect_error([&] { arch::validate_space(s); }, {"decoder self heads choice 3", "qkv_dim 512"});
  s = good;
  s.decoder_layer_choices = {6, 6};
  expect_error([&] { arch::validate_space(s); }, {"decoder layers lists 6 twice"});
  s = good;
  s.super_dims.decoder_embed_max = 512;
  s.decoder_embed_choices = {512};
  expect_error([&] { arch::validate_space(s); }, {"share-all-embeddings", "640 and 512"});
  s.super_dims.share_all_embeddings = false;
  EXPECT_NO_THROW(arch::validate_space(s));
  s = good;
  s.super_dims.qkv_dim = 0;
  expect_error([&] { arch::validate_space(s); }, {"qkv dim must be positive"});
}

TEST(SearchSpace, SamplingIsDeterministicFromTheSeedAlone) {
  const arch::SearchSpace s = wmt();
  for (uint64_t seed : {0ull, 1ull, 42ull, 1ull << 40})
    EXPECT_EQ(arch::sample_arch(s, seed), arch::sample_arch(s, seed));
  std::set<std::string> distinct;
  for (uint64_t seed = 0; seed < 100; ++seed)
    distinct.insert(arch::arch_hash(arch::sample_arch(s, seed)));
  EXPECT_GT(distinct.size(), 95u);
  // Pinned: the same seed gives the same SubTransformer on every machine and standard library.
  EXPECT_EQ(arch::arch_hash(arch::sample_arch(s, 12345)), "16af9f2c4a0ff250");
  EXPECT_EQ(arch::arch_hash(arch::sample_arch(arch::load_space_file("default").space, 12345)),
            "a0403e911b6e500d");
}

TEST(SearchSpace, SamplingCoversEveryChoiceUniformlyAndStaysInTheSpace) {
  for (const char* name : {"wmt14.en-de", "default"}) {
    SCOPED_TRACE(name);
    const arch::SearchSpace s = arch::load_space_file(name).space;
    // field -> value -> count, per-layer fields pooled over layers.
    std::map<std::string, std::map<int64_t, int>> seen;
    const int n = 3000;
    for (int seed = 0; seed < n; ++seed) {
      const arch::ArchConfig a = arch::sample_arch(s, static_cast<uint64_t>(seed));
      ASSERT_NO_THROW(arch::validate_arch(s, a));
      ++seen["encoder embed"][a.encoder_embed_dim];
      ++seen["decoder embed"][a.decoder_embed_dim];
      ++seen["encoder layers"][a.encoder_layers];
      ++seen["decoder layers"][a.decoder_layers];
      for (int64_t v : a.encoder_ffn_dims) ++seen["encoder ffn"][v];
      for (int64_t v : a.encoder_self_heads) ++seen["encoder heads"][v];
      for (int64_t v : a.decoder_ffn_dims) ++seen["decoder ffn"][v];
      for (int64_t v : a.decoder_self_heads) ++seen["decoder heads"][v];
      for (int64_t v : a.decoder_ende_heads) ++seen["ende heads"][v];
      for (int64_t v : a.decoder_ende_layers) ++seen["ende layers"][v];
      // The last decoder layer is sampled too (lists cover exactly the active layers).
      if (a.decoder_layers == s.decoder_layer_choices.front())
        ++seen["deepest"][a.decoder_ffn_dims.back()];
    }
    const std::pair<const char*, const std::vector<int64_t>*> fields[] = {
        {"encoder embed", &s.encoder_embed_choices},
        {"decoder embed", &s.decoder_embed_choices},
        {"encoder layers", &s.encoder_layer_choices},
        {"decoder layers", &s.decoder_layer_choices},
        {"encoder ffn", &s.encoder_ffn_choices},
        {"encoder heads", &s.encoder_self_heads_choices},
        {"decoder ffn", &s.decoder_ffn_choices},
        {"decoder heads", &s.decoder_self_heads_choices},
        {"ende heads", &s.decoder_ende_heads_choices},
        {"ende layers", &s.decoder_ende_layers_choices},
        {"deepest", &s.decoder_ffn_choices}};
    for (const auto& [field, choices] : fields) {
      SCOPED_TRACE(field);
      const auto& counts = seen[field];
      ASSERT_EQ(counts.size(), choices->size());  // every choice drawn, nothing else
      int total = 0;
      for (const auto& [value, count] : counts) total += count;
      const double expected = static_cast<double>(total) / static_cast<double>(choices->size());
      for (int64_t v : *choices)
        EXPECT_NEAR(counts.at(v), expected, 4 * std::sqrt(expected)) << v;  // ~4 sigma
    }
  }
}

TEST(SearchSpace, LargestAndSmallestAreTheExtremesOfTheSpace) {
  const arch::SearchSpace s = wmt();
  const arch::ArchConfig big = arch::largest_arch(s), small = arch::smallest_arch(s);
  EXPECT_NO_THROW(arch::validate_arch(s, big));
  EXPECT_NO_THROW(arch::validate_arch(s, small));
  EXPECT_EQ(big.encoder_embed_dim, 640);
  EXPECT_EQ(big.decoder_layers, 6);
  EXPECT_EQ(big.encoder_ffn_dims, std::vector<int64_t>(6, 3072));
  EXPECT_EQ(big.decoder_self_heads, std::vector<int64_t>(6, 8));
  EXPECT_EQ(big.decoder_ende_layers, std::vector<int64_t>(6, 3));
  EXPECT_EQ(small.decoder_embed_dim, 512);
  EXPECT_EQ(small.encoder_layers, 6);
  EXPECT_EQ(small.decoder_layers, 1);
  EXPECT_EQ(small.encoder_self_heads, std::vector<int64_t>(6, 4));
  EXPECT_EQ(small.decoder_ffn_dims, std::vector<int64_t>{1024});
  EXPECT_EQ(small.decoder_ende_layers, std::vector<int64_t>{1});
  for (const char* name : {"default", "iwslt14.de-en"}) {
    const arch::SearchSpace t = arch::load_space_file(name).space;
    EXPECT_NO_THROW(arch::validate_arch(t, arch::largest_arch(t)));
    EXPECT_NO_THROW(arch::validate_arch(t, arch::smallest_arch(t)));
  }
  arch::SearchSpace broken = s;
  broken.encoder_embed_choices.clear();
  expect_error([&] { arch::largest_arch(broken); }, {"encoder embed dim has no choices"});
}

}  // namespace
}  // namespace hat
