// hattrain killed with SIGKILL at random moments and resumed, again and again, ends with the
// same parameters and optimizer state, bit for bit, as a run never interrupted.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/checkpoint/safetensors.h"
#include "tests/support/test_util.h"
#include "tests/tools/hattrain_fixture.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

fs::path temp_root(const char* name) {
  return fs::temp_directory_path() / (std::string("hat_") + name + "_" + std::to_string(::getpid()));
}

// Byte-for-byte equality of every tensor of two safetensors files.
::testing::AssertionResult same_tensors(const fs::path& a, const fs::path& b) {
  const auto ta = checkpoint::read_safetensors(a).tensors, tb = checkpoint::read_safetensors(b).tensors;
  if (ta.size() != tb.size()) return ::testing::AssertionFailure() << "tensor counts differ";
  for (const auto& [name, t] : ta) {
    const auto it = tb.find(name);
    if (it == tb.end()) return ::testing::AssertionFailure() << name << " missing in " << b;
    if (!test::same_bytes(t, it->second))
      return ::testing::AssertionFailure() << name << " differs between " << a << " and " << b;
  }
  return ::testing::AssertionSuccess();
}

TEST(HattrainResume, KilledAtRandomMomentsAndResumedEndsBitIdentical) {
  const test::HattrainFixture fixture(temp_root("resume"));
  ASSERT_EQ(test::HattrainFixture::run(fixture.args("reference")), 0);
  const auto reference = checkpoint::CheckpointStore(fixture.root() / "reference", 0).latest();
  ASSERT_TRUE(reference.has_value());

  // Kill after a random delay, resume, repeat until a run finishes on its own.
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> delay_ms(30, 400);
  std::vector<std::string> args = fixture.args("killed");
  args.push_back("--resume");
  int kills = 0, status = -1;
  for (int attempt = 0; attempt < 300 && status != 0; ++attempt) {
    const pid_t pid = test::HattrainFixture::spawn(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kills += ::kill(pid, SIGKILL) == 0;
    status = test::HattrainFixture::wait_exit_status(pid);  // 0 if it finished before the kill
    ASSERT_TRUE(status == 0 || status == -1) << "hattrain failed with status " << status;
  }
  ASSERT_EQ(status, 0) << "never finished";
  EXPECT_GE(kills, 2) << "the run was too short to be interrupted";
  std::cout << "[   INFO   ] resumed after " << kills << " kills\n";

  const auto resumed = checkpoint::CheckpointStore(fixture.root() / "killed", 0).latest();
  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->filename(), reference->filename());
  EXPECT_TRUE(same_tensors(*reference / "model.safetensors", *resumed / "model.safetensors"));
  EXPECT_TRUE(same_tensors(*reference / "optimizer.safetensors", *resumed / "optimizer.safetensors"));
}

TEST(HattrainResume, RefusesToOverwriteAnExistingRunWithoutResume) {
  const test::HattrainFixture fixture(temp_root("refuse"));
  std::vector<std::string> args = fixture.args("run");
  args.insert(args.end(), {"--max-update", "3"});
  ASSERT_EQ(test::HattrainFixture::run(args), 0);
  EXPECT_EQ(test::HattrainFixture::run(args), 1);  // checkpoints exist and no --resume
  args.push_back("--resume");
  EXPECT_EQ(test::HattrainFixture::run(args), 0);
}

}  // namespace
}  // namespace hat
