// What every tool shares: a command's own options (help, positional, errors) and the dispatch
// of several-command tools with their exit statuses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/cli/cli.h"

namespace hat::cli {
namespace {

namespace po = boost::program_options;

po::options_description info_options() {
  po::options_description o("info DIR");
  o.add_options()("dir", po::value<std::string>()->required(), "data directory")(
      "samples", po::value<int>()->default_value(0), "pairs")("help,h", "show this help");
  return o;
}

po::positional_options_description dir_first() {
  po::positional_options_description p;
  p.add("dir", 1);
  return p;
}

TEST(CommandOptions, PositionalAndNamedValues) {
  const auto vm = parse_options({"data/x", "--samples", "3"}, info_options(), "usage", dir_first());
  ASSERT_TRUE(vm);
  EXPECT_EQ((*vm)["dir"].as<std::string>(), "data/x");
  EXPECT_EQ((*vm)["samples"].as<int>(), 3);
}

TEST(CommandOptions, HelpPrintsAboutAndOptionsAndGivesNothing) {
  testing::internal::CaptureStdout();
  const auto vm = parse_options({"--help"}, info_options(), "usage: hatdata info DIR\n", dir_first());
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(vm);
  EXPECT_EQ(out.rfind("usage: hatdata info DIR\n\ninfo DIR:\n", 0), 0u) << out;
  EXPECT_NE(out.find("--samples"), std::string::npos);
}

TEST(CommandOptions, ErrorsAreUsageErrorsOfStatusTwo) {
  EXPECT_THROW(parse_options(std::vector<std::string>{}, info_options(), "usage", dir_first()), po::required_option);
  EXPECT_THROW(parse_options({"d", "--nope"}, info_options(), "usage", dir_first()), po::unknown_option);
  testing::internal::CaptureStderr();
  const int status = run_tool("t", [] { return parse_options({"d", "e"}, info_options(), "u", dir_first()) ? 0 : 5; });
  EXPECT_EQ(status, 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("(see t --help)"), std::string::npos);
}

std::vector<std::string> g_args;
int record(const std::vector<std::string>& args) {
  g_args = args;
  return 7;
}
int fail(const std::vector<std::string>&) { throw std::runtime_error("disk full"); }

int dispatch(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  return run_commands("tool", "usage: tool COMMAND\n", static_cast<int>(argv.size()), argv.data(),
                      {{"go", record}, {"fail", fail}});
}

TEST(RunCommands, RunsTheCommandWithTheArgumentsAfterItsName) {
  EXPECT_EQ(dispatch({"tool", "go", "a", "--b"}), 7);
  EXPECT_EQ(g_args, (std::vector<std::string>{"a", "--b"}));
}

TEST(RunCommands, UsageWithoutACommandIsStatusTwoWithHelpZero) {
  testing::internal::CaptureStdout();
  EXPECT_EQ(dispatch({"tool"}), 2);
  EXPECT_EQ(dispatch({"tool", "--help"}), 0);
  EXPECT_EQ(dispatch({"tool", "help"}), 0);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "usage: tool COMMAND\nusage: tool COMMAND\nusage: tool COMMAND\n");
}

TEST(RunCommands, UnknownCommandsAndFailuresAreNamed) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(dispatch({"tool", "nope"}), 2);
  EXPECT_EQ(dispatch({"tool", "fail"}), 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "tool: unknown command 'nope' (see tool --help)\ntool fail: disk full\n");
}

}  // namespace
}  // namespace hat::cli
