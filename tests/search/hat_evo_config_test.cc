// HAT's evo_search YAML files as HAT wrote them: all eight of its four tasks load, the values
// land in the evolution's options, HAT's own paths are listed as not used, and an unknown key or
// a population that is not the sum of its parts is an error naming the key.
#include "search/hat_evo_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "supernet/arch/arch_file.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

namespace fs = std::filesystem;

TEST(HatEvoConfig, EveryFileOfHatsFourTasksLoads) {
  int files = 0;
  for (const fs::directory_entry& task : fs::directory_iterator(arch::published_configs_directory())) {
    if (!fs::is_directory(task.path() / "evo_search")) continue;
    for (const fs::directory_entry& f : fs::directory_iterator(task.path() / "evo_search")) {
      SCOPED_TRACE(f.path().string());
      const HatEvoConfig c = read_hat_evo_config(f.path().string());
      EXPECT_EQ(c.evolution.population(), 125);
      EXPECT_GT(c.latency_ms, 0);
      EXPECT_EQ(c.not_used.size(), 5u);
      ++files;
    }
  }
  EXPECT_EQ(files, 8);  // iwslt14.de-en 1, wmt14.en-de 3, wmt14.en-fr 3, wmt19.en-de 1
}

TEST(HatEvoConfig, TheRaspberryPiSearchOfWmt14EnDe) {
  const HatEvoConfig c = read_hat_evo_config(
      (arch::published_configs_directory() / "wmt14.en-de/evo_search/wmt14ende_raspberrypi.yml")
          .string());
  EXPECT_EQ(c.evolution.iterations, 30);
  EXPECT_EQ(c.evolution.parents, 25);
  EXPECT_EQ(c.evolution.mutations, 50);
  EXPECT_EQ(c.evolution.crossovers, 50);
  EXPECT_DOUBLE_EQ(c.evolution.mutation_probability, 0.3);
  EXPECT_DOUBLE_EQ(c.latency_ms, 6000);
  EXPECT_EQ(c.not_used, (std::vector<std::string>{"ckpt-path", "restore-file", "write-config-path",
                                                  "feature-norm", "lat-norm"}));
}

class HatEvoConfigFile : public test::TempDirectoryTest {
 protected:
  std::string write(const std::string& text) {
    fs::create_directories(root_);
    const fs::path path = root_ / "evo.yml";
    std::ofstream(path) << text;
    return path.string();
  }
};

const char* const kMinimal =
    "evo-iter: 3\npopulation-size: 7\nparent-size: 2\nmutation-size: 3\ncrossover-size: 2\n"
    "mutation-prob: 0.5\nlatency-constraint: 150\n";

TEST_F(HatEvoConfigFile, OnlyTheSearchKeysAreEnough) {
  const HatEvoConfig c = read_hat_evo_config(write(kMinimal));
  EXPECT_EQ(c.evolution.population(), 7);
  EXPECT_DOUBLE_EQ(c.latency_ms, 150);
  EXPECT_TRUE(c.not_used.empty());
}

TEST_F(HatEvoConfigFile, UnknownKeysAndAWrongPopulationAreErrorsNamingTheKey) {
  test::expect_error([&] { read_hat_evo_config(write(std::string(kMinimal) + "valid-cnt-max: 1\n")); },
                     {"evo.yml", "valid-cnt-max"});
  std::string wrong = kMinimal;
  wrong.replace(wrong.find("population-size: 7"), 18, "population-size: 9");
  test::expect_error([&] { read_hat_evo_config(write(wrong)); },
                     {"population-size", "9", "(7)"});
  test::expect_error([&] { read_hat_evo_config(write("evo-iter: 3\n")); }, {"parent-size"});
  test::expect_error([&] { read_hat_evo_config((root_ / "absent.yml").string()); }, {"absent.yml"});
}

}  // namespace
}  // namespace hat::search
