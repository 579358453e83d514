// Architecture YAML errors: each names the source (file) and the key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/space_file.h"
#include "tests/supernet/arch_test_fixtures.h"

namespace hat {
namespace {

namespace fs = std::filesystem;
using namespace test;

TEST(ArchYamlErrors, MissingKeyNamesSourceAndKey) {
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kHatWmtPi35, "decoder-embed-dim-subtransformer: 512\n", ""),
                             "pi.yml");
      },
      {"pi.yml", "decoder-embed-dim-subtransformer", "missing"});
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kExampleCanonical, "  ende_heads: [8, 8]\n", ""), "mine.yml");
      },
      {"mine.yml", "decoder.ende_heads", "missing"});
  expect_error([] { arch::arch_from_yaml("encoder:\n  embed_dim: 512\n", "half.yml"); },
               {"half.yml", "'encoder.layers'"});
}

TEST(ArchYamlErrors, WrongTypeNamesSourceAndKey) {
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kHatWmtPi35, "decoder-layer-num-subtransformer: 1",
                                     "decoder-layer-num-subtransformer: one"),
                             "pi.yml");
      },
      {"pi.yml", "decoder-layer-num-subtransformer", "integer", "'one'"});
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kHatWmtPi35, "decoder-layer-num-subtransformer: 1",
                                     "decoder-layer-num-subtransformer: 1.5"),
                             "pi.yml");
      },
      {"pi.yml", "decoder-layer-num-subtransformer", "integer"});
  expect_error(
      [] {
        arch::arch_from_yaml(
            replace(kHatWmtPi35, "decoder-ffn-embed-dim-all-subtransformer: [3072]",
                    "decoder-ffn-embed-dim-all-subtransformer: 3072"),
            "pi.yml");
      },
      {"pi.yml", "decoder-ffn-embed-dim-all-subtransformer", "list"});
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kExampleCanonical, "self_heads: [8, 8]", "self_heads: [8, x]"),
                             "mine.yml");
      },
      {"mine.yml", "decoder.self_heads", "entry 2"});
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kExampleCanonical, "  embed_dim: 512\n  layers: 2",
                                     "  embed_dim: [512]\n  layers: 2"),
                             "mine.yml");
      },
      {"mine.yml", "decoder.embed_dim", "a list"});
}

TEST(ArchYamlErrors, ShortListsNameSourceAndKey) {
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kHatWmtPi35, "[4, 8, 4, 4, 4, 8]", "[4, 8, 4, 4, 4]"),
                             "pi.yml");
      },
      {"pi.yml", "encoder-self-attention-heads-all-subtransformer", "5 entries", "needs 6"});
  expect_error(
      [] { arch::arch_from_yaml(replace(kHatIwsltTitan1090, "[2, -1, -1]", "[2, -1]"), "iw.yml"); },
      {"iw.yml", "decoder-arbitrary-ende-attn-all-subtransformer", "needs 3"});
  // The canonical form is strict both ways.
  expect_error(
      [] {
        arch::arch_from_yaml(
            replace(kExampleCanonical, "ffn_dims: [3072, 3072]\n", "ffn_dims: [3072]\n"),
            "mine.yml");
      },
      {"mine.yml", "decoder.ffn_dims", "needs 2"});
  expect_error(
      [] {
        arch::arch_from_yaml(
            replace(kExampleCanonical, "ende_layers: [1, 2]", "ende_layers: [1, 2, 3]"),
            "mine.yml");
      },
      {"mine.yml", "decoder.ende_layers", "3 entries", "2 layers"});
}

TEST(ArchYamlErrors, UnknownKeysAndMixedFormsAreRejected) {
  expect_error(
      [] { arch::arch_from_yaml(std::string(kHatWmtPi35) + "decoder-layer-num: 3\n", "pi.yml"); },
      {"pi.yml", "'decoder-layer-num'", "not a known key"});
  expect_error(
      [] {
        arch::arch_from_yaml(
            replace(kExampleCanonical, "  ffn_dims: [3072, 3072]\n", "  ffn_dim: [3072, 3072]\n"),
            "mine.yml");
      },
      {"mine.yml", "'decoder.ffn_dim'", "not a known key"});
  expect_error(
      [] { arch::arch_from_yaml(std::string(kExampleCanonical) + "comment: x\n", "mine.yml"); },
      {"mine.yml", "'comment'", "not a known key"});
  expect_error(
      [] {
        arch::arch_from_yaml(
            std::string(kExampleCanonical) + "decoder-layer-num-subtransformer: 1\n", "mix.yml");
      },
      {"mix.yml", "mixes"});
  expect_error([] { arch::arch_from_yaml("lr: 0.1\n", "other.yml"); },
               {"other.yml", "not an architecture"});
  expect_error([] { arch::arch_from_yaml("", "empty.yml"); }, {"empty.yml", "not an architecture"});
  expect_error(
      [] {
        arch::arch_from_yaml(std::string(kHatWmtPi35) + "decoder-layer-num-subtransformer: 2\n",
                             "dup.yml");
      },
      {"dup.yml", "decoder-layer-num-subtransformer", "more than once"});
}

TEST(ArchYamlErrors, BadValuesAndBadYamlAreRejected) {
  expect_error([] { arch::arch_from_yaml(replace(kHatWmtPi35, "[-1]", "[0]"), "pi.yml"); },
               {"pi.yml", "decoder-arbitrary-ende-attn-all-subtransformer", "entry 1 is 0"});
  expect_error(
      [] {
        arch::arch_from_yaml(replace(kHatWmtPi35, "encoder-layer-num-subtransformer: 6",
                                     "encoder-layer-num-subtransformer: 0"),
                             "pi.yml");
      },
      {"pi.yml", "encoder-layer-num-subtransformer", "positive"});
  expect_error(
      [] {
        arch::arch_from_yaml(
            replace(kExampleCanonical, "ende_heads: [8, 8]", "ende_heads: [8, -8]"), "mine.yml");
      },
      {"mine.yml", "decoder.ende_heads", "entry 2", "positive"});
  expect_error([] { arch::arch_from_yaml("encoder: [1, 2\n", "broken.yml"); },
               {"broken.yml", "not valid YAML", "line"});
  expect_error([] { arch::arch_from_yaml("- 1\n- 2\n", "list.yml"); }, {"list.yml", "mapping"});
  arch::ArchConfig bad = example_arch();
  bad.decoder_self_heads.pop_back();
  expect_error([&] { arch::arch_to_yaml(bad); }, {"decoder self_heads", "1 entries for 2 layers"});
}

TEST(ArchYamlErrors, FilesNameTheirPathInErrors) {
  const fs::path dir =
      fs::temp_directory_path() / ("hat_arch_yaml_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path good = dir / "good.yml", bad = dir / "bad.yml";
  std::ofstream(good) << kHatWmtXeon4509;
  std::ofstream(bad) << replace(kHatWmtXeon4509, "decoder-ende-attention-heads-all-subtransformer",
                                "decoder-ende-heads");
  EXPECT_EQ(arch::arch_from_file(good.string()), arch::arch_from_yaml(kHatWmtXeon4509, "xeon"));
  expect_error([&] { arch::arch_from_file(bad.string()); }, {bad.string(), "decoder-ende-heads"});
  expect_error([&] { arch::arch_from_file((dir / "absent.yml").string()); },
               {"absent.yml", "does not exist"});
  expect_error([&] { arch::arch_from_file(dir.string()); }, {dir.string(), "not a file"});
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hat
