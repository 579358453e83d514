// Architecture files by name: HAT's published configurations are found by file name (with or
// without .yml) in every task's folder; an ambiguous or unknown name is an error that names the
// candidates or where it looked; a path, or a file that exists here, is read as it is.
#include "supernet/arch/arch_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "supernet/arch/arch_yaml.h"
#include "tests/supernet/arch_test_fixtures.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

namespace fs = std::filesystem;
using test::expect_error;

const char* const kPi6 = "HAT_wmt14ende_raspberrypi@6.0s_bleu@28.2.yml";

TEST(ArchFile, PublishedConfigIsFoundByFileNameInItsTasksFolder) {
  const fs::path expected =
      arch::published_configs_directory() / "wmt14.en-de" / "subtransformer" / kPi6;
  ASSERT_TRUE(fs::is_regular_file(expected)) << expected;
  EXPECT_EQ(arch::resolve_arch_file(kPi6), expected.string());
  EXPECT_EQ(arch::arch_from_file(kPi6), arch::arch_from_file(expected.string()));
  // An IWSLT one: every task's folder is searched.
  const std::string iwslt = "HAT_iwslt14deen_titanxp@45.6ms_bleu@33.4.yml";
  EXPECT_EQ(
      arch::resolve_arch_file(iwslt),
      (arch::published_configs_directory() / "iwslt14.de-en" / "subtransformer" / iwslt).string());
}

TEST(ArchFile, PublishedConfigIsFoundWithoutItsExtension) {
  const std::string name = kPi6;
  EXPECT_EQ(arch::resolve_arch_file(name.substr(0, name.size() - 4)),
            arch::resolve_arch_file(name));
}

TEST(ArchFile, AmbiguousNameListsEveryCandidate) {
  // Every task has a subtransformer/common.yml.
  std::vector<std::string> parts = {"'common.yml'", "4 of HAT's published configurations",
                                    "give the path of one"};
  for (const char* task : {"iwslt14.de-en", "wmt14.en-de", "wmt14.en-fr", "wmt19.en-de"})
    parts.push_back(
        (arch::published_configs_directory() / task / "subtransformer" / "common.yml").string());
  expect_error([] { arch::resolve_arch_file("common.yml"); }, parts);
}

TEST(ArchFile, UnknownNameSaysWhereItLookedAndWhatIsThere) {
  expect_error([] { arch::arch_from_file("HAT_wmt14ende_raspberrypi@9.9s.yml"); },
               {"arch file 'HAT_wmt14ende_raspberrypi@9.9s.yml' does not exist",
                arch::published_configs_directory().string(), kPi6});
}

TEST(ArchFile, PathsAreNotLookedUp) {
  // A missing path keeps read_config_file's error; it is not searched for by its file name.
  const std::string path = (fs::temp_directory_path() / "hat_absent_dir" / kPi6).string();
  EXPECT_EQ(arch::resolve_arch_file(path), path);
  expect_error([&] { arch::arch_from_file(path); }, {path, "does not exist or is not a file"});
}

class ArchFileHere : public test::TempDirectoryTest {
 protected:
  void SetUp() override {
    TempDirectoryTest::SetUp();
    fs::create_directories(root_);
    old_ = fs::current_path();
    fs::current_path(root_);
  }
  void TearDown() override {
    fs::current_path(old_);
    TempDirectoryTest::TearDown();
  }
  fs::path old_;
};

TEST_F(ArchFileHere, AFileOfThatNameHereWinsOverThePublishedOne) {
  std::ofstream(root_ / kPi6) << test::kExampleCanonical;
  EXPECT_EQ(arch::resolve_arch_file(kPi6), kPi6);
  EXPECT_EQ(arch::arch_from_file(kPi6), arch::arch_from_yaml(test::kExampleCanonical, "example"));
}

}  // namespace
}  // namespace hat
