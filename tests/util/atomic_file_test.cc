// write_file_atomically and AtomicFile on what is not a regular file: a named pipe (as /dev/null or /dev/stdout
// would be) is written through, never replaced; a regular file is replaced whole.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/test_util.h"
#include "util/atomic_file.h"

namespace hat::util {
namespace {

namespace fs = std::filesystem;

using AtomicFileTest = test::TempDirectoryTest;

TEST_F(AtomicFileTest, ANamedPipeIsWrittenThroughNotReplaced) {
  fs::create_directories(root_);
  const fs::path pipe = root_ / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  // The reading end, opened first and non-blocking: the write then opens at once, fits in the
  // pipe's buffer, and a wrong implementation fails the test instead of hanging it.
  const int reader = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  write_file_atomically(pipe, "translated\n");
  char buffer[64] = {};
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0), "translated\n");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(pipe)));  // still the pipe, not a regular file
}

// The same through AtomicFile written in pieces (as safetensors files are).
TEST_F(AtomicFileTest, AnAtomicFileOnAPipeWritesThroughInPieces) {
  fs::create_directories(root_);
  const fs::path pipe = root_ / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  const int reader = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  {
    AtomicFile file(pipe);
    file.write("one ");
    file.write("two\n");
    file.commit();
  }
  char buffer[64] = {};
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0), "one two\n");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(pipe)));
}

TEST_F(AtomicFileTest, ARegularFileIsReplacedWhole) {
  fs::create_directories(root_);
  write_file_atomically(root_ / "out.txt", "a much longer first version\n");
  write_file_atomically(root_ / "out.txt", "short\n");
  std::ifstream in(root_ / "out.txt");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "short\n");
}

}  // namespace
}  // namespace hat::util
