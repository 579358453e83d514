// hatexport and the tools that run its model directories, as a user meets them: export a
// SubTransformer of a SuperTransformer trained by the real hattrain, translate and score it
// with --model, and the clear refusals (existing output, bad usage).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/tools/hattrain_fixture.h"
#include "util/text_lines.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

class HatexportCli : public test::HattrainSuite {
 protected:
  static void SetUpTestSuite() { set_up_fixture("hat_export_cli_", 4); }
  static std::vector<std::string> export_args(const std::string& out) {
    const fs::path r = fixture_->root();
    return {HATEXPORT_PATH,
            "--supernet",
            (r / "super").string(),
            "--data",
            (r / "data").string(),
            "--arch",
            "smallest",
            "--out",
            (r / out).string()};
  }
};

TEST_F(HatexportCli, ExportsPrintsTheParameterCountAndRefusesToOverwrite) {
  const fs::path r = fixture_->root();
  std::string output;
  ASSERT_EQ(test::HattrainFixture::run(export_args("model"), output), 0) << output;
  const nlohmann::json config =
      nlohmann::json::parse(util::read_file(r / "model" / "config.json"));
  const std::string count = std::to_string(config["parameters"]["total"].get<int64_t>());
  EXPECT_NE(output.find("parameters: " + count + " ("), std::string::npos) << output;
  EXPECT_EQ(test::HattrainFixture::run(export_args("model"), output), 1);
  EXPECT_NE(output.find("already exists"), std::string::npos) << output;
  std::vector<std::string> force = export_args("model");
  force.push_back("--force");
  EXPECT_EQ(test::HattrainFixture::run(force), 0);
  EXPECT_EQ(test::HattrainFixture::run({HATEXPORT_PATH, "--help"}), 0);
  EXPECT_EQ(test::HattrainFixture::run({HATEXPORT_PATH, "--arch", "smallest"}),
            2);  // no --supernet
}

TEST_F(HatexportCli, TranslateAndEvalRunAModelDirectory) {
  const fs::path r = fixture_->root();
  ASSERT_EQ(test::HattrainFixture::run(export_args("run")), 0);
  std::ofstream(r / "input.txt") << "ein Haus .\n\ngut .\n";
  const std::string model = (r / "run").string();
  EXPECT_EQ(test::HattrainFixture::run({HATTRANSLATE_PATH, "--model", model, "--input",
                                        (r / "input.txt").string(), "--output",
                                        (r / "output.txt").string(), "--threads", "1"}),
            0);
  std::istringstream lines(util::read_file(r / "output.txt"));
  int count = 0;
  for (std::string line; std::getline(lines, line);) ++count;
  EXPECT_EQ(count, 3);
  // Two sentences translated side by side, one at a time each: the same lines.
  EXPECT_EQ(test::HattrainFixture::run({HATTRANSLATE_PATH, "--model", model, "--input",
                                        (r / "input.txt").string(), "--output",
                                        (r / "output2.txt").string(), "--threads", "2",
                                        "--inter-threads", "2", "--max-tokens", "1"}),
            0);
  EXPECT_EQ(util::read_file(r / "output2.txt"), util::read_file(r / "output.txt"));
  EXPECT_EQ(test::HattrainFixture::run({HATTRANSLATE_PATH, "--model", model, "--input",
                                        (r / "input.txt").string(), "--inter-threads", "0"}),
            2);
  std::string output;
  EXPECT_EQ(
      test::HattrainFixture::run({HATEVAL_PATH, "--model", model, "--data", (r / "data").string(),
                                  "--max-sentences", "3", "--threads", "1"},
                                 output),
      0)
      << output;
  EXPECT_NE(output.find("BLEU"), std::string::npos) << output;
  EXPECT_NE(output.find("model directory"), std::string::npos) << output;
  // --model and --checkpoint exclude each other; --arch must be the model's own.
  EXPECT_EQ(test::HattrainFixture::run(
                {HATTRANSLATE_PATH, "--model", model, "--checkpoint", (r / "super").string()}),
            2);
  EXPECT_EQ(test::HattrainFixture::run({HATEVAL_PATH, "--model", model, "--data",
                                        (r / "data").string(), "--arch", "largest"}),
            1);
}

}  // namespace
}  // namespace hat
