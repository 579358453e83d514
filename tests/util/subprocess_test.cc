// run_process: output lines as they are printed (newline or carriage return ends one), the
// exit status or the signal, a program that is not there; shell_quote through a real sh.
#include "util/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "devices/error.h"

namespace hat::util {
namespace {

std::vector<std::string> lines_of(const std::vector<std::string>& argv, int* status) {
  std::vector<std::string> lines;
  *status = run_process(argv, [&](const std::string& line) { lines.push_back(line); });
  return lines;
}

TEST(RunProcess, GivesStdoutAndStderrLineByLineAndTheExitStatus) {
  int status = -1;
  const auto lines =
      lines_of({"sh", "-c", "echo one; echo two >&2; printf '3/9\\r4/9\\rdone'; exit 3"}, &status);
  EXPECT_EQ(status, 3);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "3/9", "4/9", "done"}));
}

TEST(RunProcess, ReportsTheSignalThatEndedTheProgram) {
  int status = -1;
  lines_of({"sh", "-c", "kill -KILL $$"}, &status);
  EXPECT_EQ(status, 128 + 9);
}

TEST(RunProcess, StopEndsASilentChildWithSigterm) {
  int asked = 0;
  const int status = run_process(
      {"sleep", "30"}, [](const std::string&) {}, [&] { return ++asked >= 2; });
  EXPECT_EQ(status, 128 + 15);
  EXPECT_GE(asked, 2);
}

TEST(RunProcess, AnErrorWhileReadingEndsTheChildAndPassesOn) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_process({"sh", "-c", "echo first; exec sleep 30"},
                           [](const std::string&) { throw Error("no more"); }),
               Error);
  // The child was ended (SIGTERM) and waited for, not left to sleep on.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(RunProcess, TheChildReadsAnEmptyStdin) {
  int status = -1;
  const auto lines = lines_of({"sh", "-c", "cat; echo end"}, &status);  // would hang on a terminal
  EXPECT_EQ(status, 0);
  EXPECT_EQ(lines, (std::vector<std::string>{"end"}));
}

TEST(RunProcess, AProgramThatIsNotInstalledThrowsNamingIt) {
  try {
    run_process({"hat-no-such-program"}, [](const std::string&) {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hat-no-such-program"), std::string::npos) << e.what();
  }
}

TEST(ShellQuote, ASingleWordForShWhateverItHolds) {
  for (const std::string text :
       {"plain", "two words", "it's", "'", "$HOME `id` \"x\" \\ ; *", ""}) {
    int status = -1;
    const auto lines = lines_of({"sh", "-c", "printf '[%s]\\n' " + shell_quote(text)}, &status);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(lines, (std::vector<std::string>{"[" + text + "]"})) << text;
  }
}

}  // namespace
}  // namespace hat::util
