// The one atomic-directory helper: built under a hidden temporary name, in place only after
// commit, an older directory replaced whole, and (guarded) nothing replaced that the tool did
// not write.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "devices/error.h"
#include "tests/support/test_util.h"
#include "util/atomic_directory.h"
#include "util/atomic_file.h"

namespace hat::util {
namespace {

namespace fs = std::filesystem;

using AtomicDirectoryTest = test::TempDirectoryTest;

std::string contents(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(AtomicDirectoryTest, AppearsOnlyAtCommitWithItsParentCreated) {
  const fs::path target = root_ / "nested" / "out";
  AtomicDirectory dir(target);
  EXPECT_EQ(dir.target(), target);
  EXPECT_EQ(dir.path().parent_path(), target.parent_path());
  EXPECT_EQ(dir.path().filename().string().rfind(std::string(kTemporaryPrefix) + "out-", 0), 0u)
      << dir.path();
  write_file_atomically(dir.path() / "a.txt", "one");
  EXPECT_FALSE(fs::exists(target));
  dir.commit();
  EXPECT_EQ(contents(target / "a.txt"), "one");
  EXPECT_FALSE(fs::exists(dir.path()));
  EXPECT_EQ(names(), std::vector<std::string>{"nested"});
  test::expect_error([&] { dir.commit(); }, {target.string(), "committed twice"});
}

TEST_F(AtomicDirectoryTest, ATrailingSlashNamesTheDirectoryItself) {
  fs::create_directories(root_);
  AtomicDirectory dir(root_ / "out" / "");
  EXPECT_EQ(dir.target(), root_ / "out");
  dir.commit();
  EXPECT_TRUE(fs::is_directory(root_ / "out"));
}

TEST_F(AtomicDirectoryTest, UncommittedLeavesNothingBehind) {
  {
    AtomicDirectory dir(root_ / "out");
    write_file_atomically(dir.path() / "a.txt", "partial");
  }
  EXPECT_TRUE(names().empty());
}

TEST_F(AtomicDirectoryTest, ReplacesAnOlderDirectoryWhole) {
  fs::create_directories(root_ / "out");
  write_file_atomically(root_ / "out" / "old.txt", "old");
  AtomicDirectory dir(root_ / "out");
  write_file_atomically(dir.path() / "new.txt", "new");
  dir.commit();
  EXPECT_FALSE(fs::exists(root_ / "out" / "old.txt"));
  EXPECT_EQ(contents(root_ / "out" / "new.txt"), "new");
  EXPECT_EQ(names(), std::vector<std::string>{"out"});  // the old one is gone, no temporary left
}

TEST_F(AtomicDirectoryTest, GuardedRefusesAnExistingTargetWithoutForce) {
  fs::create_directories(root_ / "out");
  write_file_atomically(root_ / "out" / "metadata.json", "{}");
  test::expect_error([&] { AtomicDirectory dir(root_ / "out", false, "metadata.json"); },
                     {(root_ / "out").string(), "already exists", "--force"});
  test::expect_error([&] { AtomicDirectory::check(root_ / "out", false, "metadata.json"); },
                     {"already exists"});
  EXPECT_EQ(names(), std::vector<std::string>{"out"});  // no temporary was created
}

TEST_F(AtomicDirectoryTest, GuardedForceReplacesOnlyWhatTheToolWrote) {
  fs::create_directories(root_ / "mine");
  write_file_atomically(root_ / "mine" / "notes.txt", "keep");
  test::expect_error([&] { AtomicDirectory dir(root_ / "mine", true, "metadata.json"); },
                     {"holds no metadata.json", "refusing to replace it even with --force"});
  write_file_atomically(root_ / "file", "keep");
  test::expect_error([&] { AtomicDirectory::check(root_ / "file", true, "metadata.json"); },
                     {"is not a directory"});
  EXPECT_EQ(contents(root_ / "mine" / "notes.txt"), "keep");

  fs::create_directories(root_ / "empty");
  AtomicDirectory::check(root_ / "empty", true, "metadata.json");  // an empty one may go
  fs::create_directories(root_ / "data");
  write_file_atomically(root_ / "data" / "metadata.json", "old");
  AtomicDirectory dir(root_ / "data", true, "metadata.json");
  write_file_atomically(dir.path() / "metadata.json", "new");
  dir.commit();
  EXPECT_EQ(contents(root_ / "data" / "metadata.json"), "new");
}

TEST_F(AtomicDirectoryTest, GuardedChecksAgainAtCommit) {
  fs::create_directories(root_);
  AtomicDirectory dir(root_ / "out", false, "metadata.json");
  fs::create_directories(root_ / "out");  // another process got there first
  test::expect_error([&] { dir.commit(); }, {"already exists"});
  EXPECT_TRUE(fs::is_empty(root_ / "out"));
}

}  // namespace
}  // namespace hat::util
