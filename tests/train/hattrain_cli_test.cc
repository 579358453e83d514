// hattrain as a user meets it: fixed-architecture training, bad architectures, time budgets.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "supernet/checkpoint/checkpoint_store.h"
#include "tests/train/hattrain_fixture.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

class HattrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new test::HattrainFixture(fs::temp_directory_path() /
                                         ("hat_cli_" + std::to_string(::getpid())));
  }
  static void TearDownTestSuite() { delete fixture_; }
  static std::string read(const fs::path& path) {
    std::ostringstream out;
    out << std::ifstream(path).rdbuf();
    return out.str();
  }
  static test::HattrainFixture* fixture_;
};
test::HattrainFixture* HattrainCli::fixture_ = nullptr;

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
  const std::string metrics = read(fixture_->root() / "fixed" / "metrics.csv");
  EXPECT_NE(metrics.find("train,4,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(",fixed,"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("valid,4,,"), std::string::npos) << metrics;  // final validation
  EXPECT_EQ(metrics.find("sampled"), std::string::npos) << metrics;
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

TEST_F(HattrainCli, BadOptionsExitWithUsageStatus) {
  std::vector<std::string> args = fixture_->args("bad");
  args.insert(args.end(), {"--time-budget", "soon"});
  EXPECT_EQ(test::HattrainFixture::run(args), 2);
  EXPECT_EQ(test::HattrainFixture::run({HATTRAIN_PATH, "--no-such-option"}), 2);
  EXPECT_EQ(test::HattrainFixture::run({HATTRAIN_PATH, "--help"}), 0);
}

}  // namespace
}  // namespace hat
