// Architecture YAML: canonical and HAT forms, round trips, the pinned hash and HAT's published
// SubTransformers.
#include "supernet/arch/arch_yaml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "supernet/arch/space_file.h"
#include "tests/supernet/arch_test_fixtures.h"

namespace hat {
namespace {

namespace fs = std::filesystem;
using namespace test;

TEST(ArchYaml, CanonicalTextIsExactAndRoundTrips) {
  const arch::ArchConfig a = example_arch();
  EXPECT_EQ(arch::arch_to_yaml(a), kExampleCanonical);
  EXPECT_EQ(arch::arch_from_yaml(arch::arch_to_yaml(a), "test"), a);
  EXPECT_EQ(arch::arch_from_yaml(arch::arch_to_hat_yaml(a), "test"), a);
}

TEST(ArchYaml, SampledArchitecturesRoundTripThroughBothForms) {
  for (const char* name : {"default", "wmt14.en-de", "iwslt14.de-en"}) {
    const arch::SearchSpace space = arch::load_space_file(name).space;
    for (uint64_t seed = 0; seed < 50; ++seed) {
      const arch::ArchConfig a = arch::sample_arch(space, seed);
      EXPECT_EQ(arch::arch_from_yaml(arch::arch_to_yaml(a), "canonical"), a) << name << " " << seed;
      EXPECT_EQ(arch::arch_from_yaml(arch::arch_to_hat_yaml(a), "hat"), a) << name << " " << seed;
    }
  }
}

TEST(ArchYaml, HatFixturesLoadAndWriteBackByteForByte) {
  const arch::ArchConfig pi = arch::arch_from_yaml(kHatWmtPi35, "pi");
  EXPECT_EQ(pi.encoder_embed_dim, 512);
  EXPECT_EQ(pi.encoder_layers, 6);
  EXPECT_EQ(pi.encoder_ffn_dims, (std::vector<int64_t>{1024, 3072, 3072, 2048, 2048, 2048}));
  EXPECT_EQ(pi.encoder_self_heads, (std::vector<int64_t>{4, 8, 4, 4, 4, 8}));
  EXPECT_EQ(pi.decoder_layers, 1);
  EXPECT_EQ(pi.decoder_ende_layers, (std::vector<int64_t>{1}));

  const arch::ArchConfig xeon = arch::arch_from_yaml(kHatWmtXeon4509, "xeon");
  EXPECT_EQ(xeon.decoder_layers, 6);
  EXPECT_EQ(xeon.decoder_ende_heads, (std::vector<int64_t>{4, 8, 8, 8, 8, 8}));
  EXPECT_EQ(xeon.decoder_ende_layers, (std::vector<int64_t>{1, 2, 2, 2, 1, 1}));  // -1 1 1 1 -1 -1

  const arch::ArchConfig iwslt = arch::arch_from_yaml(kHatIwsltTitan1090, "iwslt");
  EXPECT_EQ(iwslt.decoder_ffn_dims, (std::vector<int64_t>{1024, 1024, 2048}));
  EXPECT_EQ(iwslt.decoder_ende_layers, (std::vector<int64_t>{3, 1, 1}));  // 2 -1 -1

  for (const char* text : {kHatWmtPi35, kHatWmtXeon4509, kHatIwsltTitan1090})
    EXPECT_EQ(arch::arch_to_hat_yaml(arch::arch_from_yaml(text, "fixture")), text);
}

TEST(ArchYaml, HatListsLongerThanTheLayerCountKeepTheFirstEntries) {
  // Entries past the layer count are ignored, even HAT attend-to values that mean nothing (0, 7).
  const arch::ArchConfig a = arch::arch_from_yaml(kHatLongLists, "long");
  EXPECT_EQ(a.encoder_layers, 4);
  EXPECT_EQ(a.encoder_ffn_dims, (std::vector<int64_t>{3072, 2048, 1024, 3072}));
  EXPECT_EQ(a.encoder_self_heads, (std::vector<int64_t>{8, 4, 8, 4}));
  EXPECT_EQ(a.decoder_embed_dim, 512);
  EXPECT_EQ(a.decoder_ffn_dims, (std::vector<int64_t>{2048, 1024}));
  EXPECT_EQ(a.decoder_self_heads, (std::vector<int64_t>{4, 8}));
  EXPECT_EQ(a.decoder_ende_heads, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(a.decoder_ende_layers, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(arch::arch_from_yaml(arch::arch_to_yaml(a), "again"), a);
}

TEST(ArchYaml, EveryPublishedHatSubTransformerLoadsValidatesAndWritesBack) {
  const fs::path dir = hat_configs_dir();
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  const std::pair<const char*, const char*> tasks[] = {{"wmt14.en-de", "wmt14.en-de"},
                                                       {"iwslt14.de-en", "iwslt14.de-en"},
                                                       {"wmt14.en-fr", "wmt14.en-fr"},
                                                       {"wmt19.en-de", "wmt19.en-de"}};
  int loaded = 0;
  for (const auto& [folder, space_name] : tasks) {
    const arch::SearchSpace space = arch::load_space_file(space_name).space;
    for (const auto& entry : fs::directory_iterator(dir / folder / "subtransformer")) {
      const std::string file = entry.path().filename().string();
      if (!file.starts_with("HAT_") || entry.path().extension() != ".yml") continue;
      SCOPED_TRACE(file);
      const arch::ArchConfig a = arch::arch_from_file(entry.path().string());
      EXPECT_NO_THROW(arch::validate_arch(space, a));
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      EXPECT_EQ(arch::arch_to_hat_yaml(a), bytes);
      EXPECT_EQ(arch::arch_from_yaml(arch::arch_to_yaml(a), file), a);
      ++loaded;
    }
  }
  EXPECT_EQ(loaded, 44);  // 17 WMT'14 En-De + 5 IWSLT + 16 WMT'14 En-Fr + 6 WMT'19 En-De: all of HAT's
}

TEST(ArchYaml, HashIsPinnedAndIndependentOfTheFormRead) {
  const arch::ArchConfig a = example_arch();
  // Pinned: the canonical text and the hash must never change (checkpoints and caches use it).
  EXPECT_EQ(arch::arch_hash(a), "4c050297def5ed4f");
  EXPECT_EQ(arch::arch_hash(arch::arch_from_yaml(arch::arch_to_hat_yaml(a), "hat")),
            arch::arch_hash(a));
  EXPECT_EQ(arch::arch_hash(a).size(), 16u);
  arch::ArchConfig b = a;
  b.decoder_ende_layers[1] = 3;
  EXPECT_NE(arch::arch_hash(b), arch::arch_hash(a));
  EXPECT_EQ(arch::arch_hash(arch::arch_from_yaml(kHatWmtPi35, "pi")), "267ed6924c3aa105");
}

}  // namespace
}  // namespace hat
