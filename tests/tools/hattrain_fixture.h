// A tiny data directory and search space, and a way to run the real hattrain binary on them
// (a child process, so that it can be killed with SIGKILL at any moment).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hat::test {

class HattrainFixture {
 public:
  // Builds ROOT/data (a synthetic corpus prepared with a 60-piece vocabulary) and
  // ROOT/space.yml (a SuperTransformer of width 32 with 2+2 layers).
  explicit HattrainFixture(const std::filesystem::path& root);
  ~HattrainFixture();

  const std::filesystem::path& root() const { return root_; }
  // hattrain's arguments for this data and space, saving into ROOT/NAME, 1 thread.
  std::vector<std::string> args(const std::string& save_name) const;

  // args[0] is the program; its stdout and stderr go to `output` (created or truncated).
  static pid_t spawn(const std::vector<std::string>& args, const std::string& output = "/dev/null");
  static int wait_exit_status(pid_t pid);                    // -1 if killed by a signal
  static int run(const std::vector<std::string>& args) { return wait_exit_status(spawn(args)); }
  // Runs to the end; returns the exit status and fills `output` with stdout and stderr.
  static int run(const std::vector<std::string>& args, std::string& output);

 private:
  std::filesystem::path root_;
};

// A tool run to its end: its exit status (-1 if killed by a signal) and its stdout and stderr.
struct ToolOutcome {
  int status = -1;
  std::string output;
};
// Runs `program` with `args` (HattrainFixture::run).
ToolOutcome run_tool(const std::string& program, const std::vector<std::string>& args);

// A test suite of the tools that shares one HattrainFixture, built once for the suite.
class HattrainSuite : public ::testing::Test {
 protected:
  // For a suite's SetUpTestSuite: the fixture in TMP/PREFIX<pid>; with super_updates > 0, also a
  // SuperTransformer trained that many updates by the real hattrain into ROOT/super.
  static void set_up_fixture(const std::string& prefix, int super_updates = 0);
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }
  inline static HattrainFixture* fixture_ = nullptr;
};

}  // namespace hat::test
