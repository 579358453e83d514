// What the export tests share: a data directory (synthetic corpus, 60-piece vocabulary) and
// SuperTransformer checkpoints of two toy spaces that exercise every export path (shared and
// separate embeddings, sliced embed dims, per-layer FFN dims, fewer active encoder layers than
// the SuperTransformer's with arbitrary attention 2, attention to 3 layers), with random
// weights (biases and LayerNorms included).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/space_file.h"
#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/data/corpus.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/prepare.h"
#include "supernet/optim/adam.h"
#include "tests/supernet/model_test_util.h"
#include "tests/support/synthetic_corpus.h"
#include "tests/support/tiny_space.h"

namespace hat::test {

// kTinySpaceYaml (shared embeddings, width 32) with 3 encoder layers of which 2 or 3 are active.
inline std::string shared_space_yaml() {
  std::string s = kTinySpaceYaml;
  s.replace(s.find("encoder-layers: 2"), 17, "encoder-layers: 3");
  s.replace(s.find("encoder-layer-num-choice: [2]"), 29, "encoder-layer-num-choice: [3, 2]");
  return s;
}

// Separate embeddings: encoder width 32, decoder 40, 3 encoder layers, attention to 1-3 of them.
inline std::string separate_space_yaml() {
  std::string s = kTinySpaceYaml;
  s.replace(s.find("share-all-embeddings: True"), 26, "share-all-embeddings: False");
  s.replace(s.find("decoder-embed-dim: 32"), 21, "decoder-embed-dim: 40");
  s.replace(s.find("decoder-embed-choice: [32, 24]"), 30, "decoder-embed-choice: [40, 24]");
  s.replace(s.find("encoder-layers: 2"), 17, "encoder-layers: 3");
  s.replace(s.find("encoder-layer-num-choice: [2]"), 29, "encoder-layer-num-choice: [3]");
  s.replace(s.find("decoder-arbitrary-ende-attn-choice: [-1, 1]"), 43,
            "decoder-arbitrary-ende-attn-choice: [-1, 1, 2]");
  return s;
}

// Encoder narrower than the decoder (encoder_attn as q/k/v), per-layer FFN dims, 2 of 3 encoder
// layers active and a decoder layer attending to the "last two" (HAT: the last one, twice).
inline constexpr const char* kSharedArch = R"(encoder:
  embed_dim: 24
  layers: 2
  ffn_dims: [48, 64]
  self_heads: [1, 2]
decoder:
  embed_dim: 32
  layers: 2
  ffn_dims: [64, 48]
  self_heads: [2, 1]
  ende_heads: [1, 2]
  ende_layers: [2, 1]
)";

// Both sides at 24 of (32, 40): encoder_attn's in_proj_weight gathered from q, k and v; a
// decoder layer attending to all 3 encoder layers.
inline constexpr const char* kSeparateArch = R"(encoder:
  embed_dim: 24
  layers: 3
  ffn_dims: [64, 48, 64]
  self_heads: [2, 1, 2]
decoder:
  embed_dim: 24
  layers: 2
  ffn_dims: [48, 64]
  self_heads: [1, 2]
  ende_heads: [2, 1]
  ende_layers: [3, 2]
)";

class ExportFixture : public ::testing::Test {
 protected:
  static std::filesystem::path root() { return *root_; }
  static std::filesystem::path data_dir() { return *root_ / "data"; }
  static std::filesystem::path space_file(const std::string& name) {
    return *root_ / (name + ".yml");
  }
  static std::filesystem::path save_dir(const std::string& name) {
    return *root_ / ("save-" + name);
  }

  static void SetUpTestSuite() {
    root_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                      ("hat_export_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*root_);
    std::filesystem::create_directories(*root_ / "corpus");
    write_synthetic_split(*root_ / "corpus", "train", 300, 1);
    write_synthetic_split(*root_ / "corpus", "valid", 10, 2);
    write_synthetic_split(*root_ / "corpus", "test", 10, 3);
    const data::Corpus corpus = data::read_user_corpus({*root_ / "corpus", "de", "en", {}});
    data::PrepareOptions prepare;
    prepare.out = data_dir();
    prepare.vocabulary.size = 60;
    data::prepare_data_directory(corpus, prepare);
    save_checkpoint("shared", shared_space_yaml(), 21);
    save_checkpoint("separate", separate_space_yaml(), 22);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*root_);
    delete root_;
  }

  // SAVE/checkpoint_00000007 of a SuperTransformer of the space with random weights, as
  // hattrain would save it; the space also goes to NAME.yml.
  static void save_checkpoint(const std::string& name, const std::string& yaml, uint64_t seed) {
    const data::DataDirectory data(data_dir());
    const arch::SpaceFile space = arch::parse_space_file(yaml, name, "test");
    std::ofstream(space_file(name)) << yaml;
    arch::ModelDims dims = space.space.super_dims;
    dims.vocab_size = data.vocab_size();
    model::SuperTransformer model(dims);
    randomize(model, seed);
    const optim::Adam adam(model.parameters());
    const nlohmann::json trainer = {
        {"space", {{"name", name}, {"hash", space.hash}, {"text", space.text}}},
        {"arch", nullptr},
        {"settings", {{"label_smoothing", 0.1}}},
        {"vocab_sha256", data.metadata().files.at("spm.model").sha256}};
    CheckpointStore(save_dir(name), 3).save(7, model.parameters(), adam, trainer, true);
  }

  static arch::ArchConfig arch_of(const char* yaml) {
    return arch::arch_from_yaml(yaml, "test arch");
  }

  // No ".tmp-" entry left in `dir`.
  static ::testing::AssertionResult no_temporaries(const std::filesystem::path& dir) {
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().filename().string().rfind(".tmp-", 0) == 0)
        return ::testing::AssertionFailure() << "left behind: " << e.path();
    return ::testing::AssertionSuccess();
  }

  static std::filesystem::path* root_;
};

inline std::filesystem::path* ExportFixture::root_ = nullptr;

}  // namespace hat::test
