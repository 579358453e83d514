// The data root: beside the executable (the build tree's share/hat link to the checkout), or
// $HAT_DATA_DIR; canonical; an unusable HAT_DATA_DIR is an error that names it.
#include "util/data_dirs.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "tests/support/test_util.h"

namespace hat::util {
namespace {

namespace fs = std::filesystem;

// Sets (or, with nullopt, unsets) HAT_DATA_DIR for one test and restores the previous value.
class DataDirVariable {
 public:
  explicit DataDirVariable(const std::optional<std::string>& value) {
    if (const char* old = std::getenv(kDataDirVariable)) old_ = old;
    if (value) setenv(kDataDirVariable, value->c_str(), 1); else unsetenv(kDataDirVariable);
  }
  ~DataDirVariable() {
    if (old_) setenv(kDataDirVariable, old_->c_str(), 1); else unsetenv(kDataDirVariable);
  }

 private:
  std::optional<std::string> old_;
};

TEST(DataDirs, ExecutableIsThisTestProgram) {
  EXPECT_EQ(executable_path().filename(), "util_tests");
  EXPECT_TRUE(executable_path().is_absolute());
}

TEST(DataDirs, BesideTheExecutableInTheBuildTreeIsTheCheckout) {
  DataDirVariable unset(std::nullopt);
  const fs::path root = data_root();
  EXPECT_EQ(root, fs::canonical(executable_path().parent_path() / ".." / "share" / "hat"));
  EXPECT_EQ(root, fs::canonical(root));
  EXPECT_TRUE(fs::is_regular_file(root / "experiments" / "spaces" / "default.yml"));
  EXPECT_TRUE(fs::is_regular_file(root / "devices" / "profiles" / "rpi4.yml"));
  EXPECT_EQ(data_path("experiments/spaces"), root / "experiments" / "spaces");
}

TEST(DataDirs, EmptyVariableIsIgnored) {
  DataDirVariable unset(std::nullopt);
  const fs::path beside = data_root();
  DataDirVariable empty(std::string(""));
  EXPECT_EQ(data_root(), beside);
}

class DataDirsOverride : public test::TempDirectoryTest {};

TEST_F(DataDirsOverride, VariableOverridesAndIsMadeCanonical) {
  fs::create_directories(root_ / "share" / "hat");
  DataDirVariable set((root_ / "share" / "." / "hat").string());
  EXPECT_EQ(data_root(), fs::canonical(root_ / "share" / "hat"));
  EXPECT_EQ(data_path("devices/profiles"), fs::canonical(root_ / "share" / "hat") / "devices/profiles");
}

TEST_F(DataDirsOverride, VariableNamingNoDirectoryIsAnError) {
  const std::string absent = (root_ / "absent").string();
  DataDirVariable set(absent);
  test::expect_error([] { data_root(); }, {kDataDirVariable, absent, "is not a directory"});
}

}  // namespace
}  // namespace hat::util
