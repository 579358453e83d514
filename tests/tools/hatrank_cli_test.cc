// hatrank as a user meets it, on a tiny SuperTransformer trained by the real hattrain: a study
// scores, trains and compares every SubTransformer it picks, saves each step, and a second run
// continues (here: finds everything done and prints the same table); a study directory made with
// other settings and a missing budget are clear errors.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "tests/tools/hattrain_fixture.h"
#include "util/text_lines.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

using Outcome = test::ToolOutcome;

Outcome hatrank(const std::vector<std::string>& args) { return test::run_tool(HATRANK_PATH, args); }

class HatrankCli : public test::HattrainSuite {
 protected:
  static void SetUpTestSuite() { set_up_fixture("hat_rank_", 12); }
  static std::vector<std::string> base(const std::string& out) {
    const fs::path r = fixture_->root();
    return {"--checkpoint", (r / "super").string(), "--data", (r / "data").string(),
            "--out", (r / out).string(), "--threads", "1", "--device", "none",
            "--count", "3", "--pool", "30", "--updates-each", "4"};
  }
};

TEST_F(HatrankCli, AStudyTrainsEverySubTransformerAndASecondRunContinues) {
  const Outcome first = hatrank(base("study"));
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("Kendall tau"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("3 of 3 SubTransformers trained"), std::string::npos) << first.output;
  const fs::path out = fixture_->root() / "study";
  const nlohmann::json study = nlohmann::json::parse(util::read_file(out / "study.json"));
  ASSERT_EQ(study.at("archs").size(), 3u);
  std::set<std::string> hashes;
  int64_t previous_parameters = -1;
  for (const nlohmann::json& a : study.at("archs")) {
    hashes.insert(a.at("hash").get<std::string>());
    EXPECT_TRUE(a.at("trained_loss").is_number()) << a.dump();
    EXPECT_GT(a.at("inherited_loss").get<double>(), 0.0);
    // Spread over the parameter count: ascending, the smallest and largest of the pool.
    EXPECT_GE(a.at("parameters").get<int64_t>(), previous_parameters);
    previous_parameters = a.at("parameters").get<int64_t>();
    EXPECT_TRUE(fs::exists(out / ("arch-" + a.at("hash").get<std::string>()) / "metrics.csv"));
  }
  EXPECT_EQ(hashes.size(), 3u);
  const std::string table = util::read_file(out / "table.md");

  // Everything is done: the same command trains nothing and prints the same table.
  const Outcome again = hatrank(base("study"));
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("continuing"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find("training "), std::string::npos) << again.output;
  EXPECT_EQ(util::read_file(out / "table.md"), table);
}

TEST_F(HatrankCli, BadInputIsAClearError) {
  ASSERT_EQ(hatrank(base("other")).status, 0);
  std::vector<std::string> other = base("other");
  other.back() = "5";  // --updates-each 5: another study
  Outcome o = hatrank(other);
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.output.find("other settings"), std::string::npos) << o.output;

  std::vector<std::string> no_budget = base("none");
  no_budget.resize(no_budget.size() - 2);  // drop --updates-each
  o = hatrank(no_budget);
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("--time-each or --updates-each"), std::string::npos) << o.output;

  std::vector<std::string> unknown = base("unknown");
  unknown[9] = "no-such-board";  // --device
  o = hatrank(unknown);
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.output.find("no-such-board"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace hat
