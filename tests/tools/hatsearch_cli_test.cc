// hatsearch as a user meets it, on a tiny SuperTransformer trained by the real hattrain: a short
// search writes its output directory and resumes to the same winner; bad budgets, unknown
// devices, an existing output directory and impossible constraints are clear errors.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/tools/hattrain_fixture.h"
#include "util/text_lines.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

using Outcome = test::ToolOutcome;

Outcome hatsearch(const std::vector<std::string>& args) { return test::run_tool(HATSEARCH_PATH, args); }

class HatsearchCli : public test::HattrainSuite {
 protected:
  static void SetUpTestSuite() { set_up_fixture("hat_search_", 12); }
  static std::vector<std::string> base(const std::string& out) {
    const fs::path r = fixture_->root();
    return {"--checkpoint", (r / "super").string(), "--data", (r / "data").string(),
            "--out", (r / out).string(), "--threads", "1", "--rank-check", "0",
            "--iterations", "3", "--parents", "3", "--mutations", "4", "--crossovers", "4"};
  }
};

TEST_F(HatsearchCli, ASearchWritesItsOutputAndResumesToTheSameWinner) {
  std::vector<std::string> args = base("s1");
  args.insert(args.end(), {"--max-params", "1000000000", "--seed", "3"});
  const Outcome first = hatsearch(args);
  ASSERT_EQ(first.status, 0) << first.output;
  const fs::path out = fixture_->root() / "s1";
  for (const char* name : {"best.yml", "best.hat.yml", "result.json", "candidates.sqlite", "state.json"})
    EXPECT_TRUE(fs::exists(out / name)) << name;
  const nlohmann::json result = nlohmann::json::parse(util::read_file(out / "result.json"));
  const nlohmann::json& run = result.at("runs").at(0);
  EXPECT_GT(run.at("evaluations").get<int>(), 3);
  EXPECT_EQ(run.at("best_loss_per_iteration").size(), 3u);
  const std::string best = util::read_file(out / "best.yml");

  // A finished search resumed changes nothing; the same seed elsewhere gives the same winner.
  args.push_back("--resume");
  const Outcome resumed = hatsearch(args);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_EQ(util::read_file(out / "best.yml"), best);
  std::vector<std::string> again = base("s2");
  again.insert(again.end(), {"--max-params", "1000000000", "--seed", "3"});
  ASSERT_EQ(hatsearch(again).status, 0);
  EXPECT_EQ(util::read_file(fixture_->root() / "s2" / "best.yml"), best);
}

TEST_F(HatsearchCli, BadInputIsAClearError) {
  std::vector<std::string> args = base("bad");
  args.insert(args.end(), {"--device", "rpi4", "--latency", "5"});
  Outcome o = hatsearch(args);
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("needs a unit"), std::string::npos) << o.output;

  args = base("bad");
  args.insert(args.end(), {"--device", "rpi4", "--latency", "-5s"});
  o = hatsearch(args);
  EXPECT_EQ(o.status, 2) << o.output;

  args = base("bad");
  args.insert(args.end(), {"--device", "no-such-board", "--latency", "5s"});
  o = hatsearch(args);
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.output.find("rpi4"), std::string::npos) << o.output;  // the known devices

  args = base("tight");
  args.insert(args.end(), {"--max-params", "10"});
  o = hatsearch(args);
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.output.find("range from"), std::string::npos) << o.output;

  fs::create_directories(fixture_->root() / "taken");
  args = base("taken");
  args.insert(args.end(), {"--max-params", "1000000000"});
  o = hatsearch(args);
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("--force"), std::string::npos) << o.output;
}

TEST_F(HatsearchCli, HatsEvoSearchFileIsReadOrRefusedNamingTheKey) {
  const fs::path dir = fixture_->root() / "hat-configs";
  fs::create_directories(dir);
  const std::string search_keys =
      "evo-iter: 2\npopulation-size: 9\nparent-size: 3\nmutation-size: 3\ncrossover-size: 3\n"
      "mutation-prob: 0.3\nlatency-constraint: 1500\n";
  // An unknown key: named, nothing searched.
  std::ofstream(dir / "task_raspberrypi.yml") << search_keys << "valid-cnt-max: 5\n";
  std::vector<std::string> args = base("hat1");
  args.insert(args.end(), {"--hat-config", (dir / "task_raspberrypi.yml").string()});
  Outcome o = hatsearch(args);
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("valid-cnt-max"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(fixture_->root() / "hat1"));
  // The device comes from HAT's file name (<task>_<device>.yml) unless --device names it.
  std::ofstream(dir / "task_nosuchboard.yml") << search_keys;
  args = base("hat2");
  args.insert(args.end(), {"--hat-config", (dir / "task_nosuchboard.yml").string()});
  o = hatsearch(args);
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("no device profile for 'nosuchboard'"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("give --device NAME"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace hat
