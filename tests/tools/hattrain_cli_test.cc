// hattrain as a user meets it: fixed-architecture training, bad architectures, time budgets,
// fine-tuning a model directory (--init) and exporting the result (--export).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "supernet/checkpoint/checkpoint_store.h"
#include "tests/tools/hattrain_fixture.h"
#include "util/text_lines.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

class HattrainCli : public test::HattrainSuite {
 protected:
  static void SetUpTestSuite() { set_up_fixture("hat_cli_"); }
};

constexpr const char* kArchInSpace = R"(encoder:
  embed_dim: 24
  layers: 2
  ffn_dims: [48, 64]
  self_heads: [1, 2]
decoder:
  embed_dim: 32
  layers: 1
  ffn_dims: [64]
  self_heads: [2]
  ende_heads: [1]
  ende_layers: [2]
)";

TEST_F(HattrainCli, TrainsOneFixedSubTransformer) {
  std::ofstream(fixture_->root() / "arch.yml") << kArchInSpace;
  std::vector<std::string> args = fixture_->args("fixed");
  args.insert(args.end(), {"--arch", (fixture_->root() / "arch.yml").string(), "--max-update", "4"});
  ASSERT_EQ(test::HattrainFixture::run(args), 0);
  const std::string metrics = util::read_file(fixture_->root() / "fixed" / "metrics.csv");
  EXPECT_NE(metrics.find("train,4,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(",fixed,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("valid,4,,"), std::string::npos) << metrics;  // final validation
  EXPECT_EQ(metrics.find("sampled"), std::string::npos) << metrics;
}

// With --largest-first-updates N, the first N updates train the largest SubTransformer (the
// hash that validation reports for it) and sampling takes over from update N + 1.
TEST_F(HattrainCli, LargestFirstUpdatesTrainTheLargestThenSample) {
  std::vector<std::string> args = fixture_->args("largest_first");
  *(std::find(args.begin(), args.end(), "--log-interval") + 1) = "1";  // a row per update
  args.insert(args.end(), {"--largest-first-updates", "3", "--max-update", "10"});
  ASSERT_EQ(test::HattrainFixture::run(args), 0);
  std::string largest_hash;
  std::vector<std::string> train_hashes, choices;  // of updates 1, 2, ...
  for (const std::string& line :
       util::read_lines(fixture_->root() / "largest_first" / "metrics.csv")) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) f.push_back(field);
    if (f.size() < 11) continue;
    if (f[0] == "train") {
      choices.push_back(f[9]);
      train_hashes.push_back(f[10]);
    }
    if (f[0] == "valid" && f[9] == "largest") largest_hash = f[10];
  }
  ASSERT_EQ(train_hashes.size(), 10u);
  ASSERT_FALSE(largest_hash.empty());
  for (int u = 0; u < 3; ++u) {
    EXPECT_EQ(train_hashes[u], largest_hash) << "update " << u + 1;
    EXPECT_EQ(choices[u], "largest") << "update " << u + 1;
  }
  for (int u = 3; u < 10; ++u) EXPECT_EQ(choices[u], "sampled") << "update " << u + 1;
  const std::set<std::string> sampled(train_hashes.begin() + 3, train_hashes.end());
  EXPECT_GT(sampled.size(), 1u) << "updates 4-10 should sample several SubTransformers";
}

// --arch smallest names the space's smallest SubTransformer, as hateval's and hattranslate's do.
TEST_F(HattrainCli, TrainsTheSpacesSmallestByName) {
  std::vector<std::string> args = fixture_->args("smallest");
  args.insert(args.end(), {"--arch", "smallest", "--max-update", "2"});
  ASSERT_EQ(test::HattrainFixture::run(args), 0);
  const std::string metrics = util::read_file(fixture_->root() / "smallest" / "metrics.csv");
  EXPECT_NE(metrics.find("train,2,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(",fixed,"), std::string::npos) << metrics;
}

TEST_F(HattrainCli, AnArchitectureOutsideTheSpaceIsRefused) {
  std::string arch = kArchInSpace;
  arch.replace(arch.find("ffn_dims: [64]"), 14, "ffn_dims: [96]");
  std::ofstream(fixture_->root() / "outside.yml") << arch;
  std::vector<std::string> args = fixture_->args("outside");
  args.insert(args.end(), {"--arch", (fixture_->root() / "outside.yml").string()});
  EXPECT_EQ(test::HattrainFixture::run(args), 1);
  EXPECT_FALSE(fs::exists(fixture_->root() / "outside")) << "nothing is written for a bad arch";
}

TEST_F(HattrainCli, TimeBudgetStopsCleanlyWithACheckpoint) {
  std::vector<std::string> args = fixture_->args("budget");
  args.insert(args.end(), {"--max-update", "100000", "--time-budget", "1s"});
  ASSERT_EQ(test::HattrainFixture::run(args), 0);
  const auto last = checkpoint::CheckpointStore(fixture_->root() / "budget", 0).latest();
  ASSERT_TRUE(last.has_value());
  const auto update = checkpoint::CheckpointStore::parse_directory_name(last->filename().string());
  ASSERT_TRUE(update.has_value());
  EXPECT_GT(*update, 0);
  EXPECT_LT(*update, 100000);
}

TEST_F(HattrainCli, FineTunesAModelDirectoryAndExportsTheResult) {
  const fs::path r = fixture_->root();
  std::ofstream(r / "arch.yml") << kArchInSpace;
  // From scratch, ending in a model directory ...
  std::vector<std::string> scratch = fixture_->args("scratch");
  scratch.insert(scratch.end(), {"--arch", (r / "arch.yml").string(), "--max-update", "3",
                                 "--export", (r / "m-scratch").string()});
  ASSERT_EQ(test::HattrainFixture::run(scratch), 0);
  const nlohmann::json first =
      nlohmann::json::parse(util::read_file(r / "m-scratch" / "config.json"));
  // ... then fine-tuned from it (its architecture, no --arch), ending in another.
  std::vector<std::string> tune = fixture_->args("tuned");
  tune.insert(tune.end(), {"--init", (r / "m-scratch").string(), "--max-update", "3",
                           "--export", (r / "m-tuned").string()});
  std::string output;
  ASSERT_EQ(test::HattrainFixture::run(tune, output), 0) << output;
  EXPECT_NE(output.find("inherited the weights of"), std::string::npos) << output;
  EXPECT_NE(output.find("exported"), std::string::npos) << output;
  const nlohmann::json second =
      nlohmann::json::parse(util::read_file(r / "m-tuned" / "config.json"));
  EXPECT_EQ(second["arch"], first["arch"]);
  EXPECT_EQ(second["parameters"], first["parameters"]);
  EXPECT_NE(second["provenance"]["checkpoint"].get<std::string>().find("tuned"), std::string::npos);
  EXPECT_NE(second["files"]["model.safetensors"]["sha256"], first["files"]["model.safetensors"]["sha256"]);

  // Refused before any training: another --arch than the model's, an existing --export, and
  // --export of a SuperTransformer run.
  std::string arch = kArchInSpace;
  arch.replace(arch.find("ffn_dims: [64]"), 14, "ffn_dims: [48]");
  std::ofstream(r / "other.yml") << arch;
  std::vector<std::string> other = fixture_->args("other");
  other.insert(other.end(), {"--init", (r / "m-scratch").string(), "--arch", (r / "other.yml").string()});
  EXPECT_EQ(test::HattrainFixture::run(other), 2);
  std::vector<std::string> exists = fixture_->args("exists");
  exists.insert(exists.end(), {"--init", (r / "m-scratch").string(), "--export", (r / "m-tuned").string()});
  EXPECT_EQ(test::HattrainFixture::run(exists), 2);
  std::vector<std::string> super = fixture_->args("super");
  super.insert(super.end(), {"--export", (r / "m-super").string()});
  EXPECT_EQ(test::HattrainFixture::run(super), 2);
  for (const char* dir : {"other", "exists", "super", "m-super"}) EXPECT_FALSE(fs::exists(r / dir)) << dir;
}

TEST_F(HattrainCli, BadOptionsExitWithUsageStatus) {
  std::vector<std::string> args = fixture_->args("bad");
  args.insert(args.end(), {"--time-budget", "soon"});
  EXPECT_EQ(test::HattrainFixture::run(args), 2);
  EXPECT_EQ(test::HattrainFixture::run({HATTRAIN_PATH, "--no-such-option"}), 2);
  EXPECT_EQ(test::HattrainFixture::run({HATTRAIN_PATH, "--help"}), 0);
}

}  // namespace
}  // namespace hat
