// Device profiles: the shipped ones resolve by name and alias and point at real data; unknown
// names list the known ones; HAT_DEVICE_PROFILES replaces the directory; bad files are named.
#include "latency/device_profile.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "latency/hat_csv.h"
#include "tests/latency/dataset_test_util.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

namespace fs = std::filesystem;

// Sets HAT_DEVICE_PROFILES for one test and restores the previous value.
class ProfilesEnv {
 public:
  explicit ProfilesEnv(const std::string& value) {
    if (const char* old = std::getenv("HAT_DEVICE_PROFILES")) old_ = old;
    setenv("HAT_DEVICE_PROFILES", value.c_str(), 1);
  }
  ~ProfilesEnv() {
    if (old_) setenv("HAT_DEVICE_PROFILES", old_->c_str(), 1); else unsetenv("HAT_DEVICE_PROFILES");
  }
 private:
  std::optional<std::string> old_;
};

TEST(DeviceProfile, ShippedDevicesAreKnownInNameOrder) {
  std::vector<std::string> names;
  for (const DeviceProfile& d : known_devices()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"host", "rpi4", "titanxp", "xeon"}));
}

TEST(DeviceProfile, AliasesResolveCaseInsensitively) {
  const DeviceProfile a = resolve_device("rpi4");
  const DeviceProfile b = resolve_device("raspberrypi");
  const DeviceProfile c = resolve_device("RaspberryPi");
  EXPECT_EQ(a.name, "rpi4");
  EXPECT_EQ(b.profile_file, a.profile_file);
  EXPECT_EQ(c.profile_file, a.profile_file);
}

TEST(DeviceProfile, HatDevicesPointAtTheShippedCsvWithHatsScales) {
  const std::map<std::string, double> scales = {{"rpi4", 5000}, {"xeon", 300}, {"titanxp", 200}};
  for (const auto& [name, scale] : scales) {
    SCOPED_TRACE(name);
    const DeviceProfile d = resolve_device(name);
    EXPECT_EQ(d.data_format, LatencyDataFormat::hat_csv);
    EXPECT_EQ(d.predictor_scale_ms, scale);
    EXPECT_EQ(d.source_length, 30);
    EXPECT_EQ(d.beam, 5);
    EXPECT_EQ(d.qkv_dim, 512);
    EXPECT_EQ(d.vocabulary_size, 32768);
    EXPECT_TRUE(d.data_file.is_absolute());
    EXPECT_EQ(read_hat_csv(d.data_file).size(), 2000u);
  }
  const DeviceProfile host = resolve_device("host");
  EXPECT_EQ(host.data_format, LatencyDataFormat::sqlite);
  EXPECT_EQ(host.data_file.extension(), ".sqlite");
  // The host names where `hatpredict kernels` writes this machine's benchmarks, beside its data.
  EXPECT_EQ(host.kernels_file, host.data_file.parent_path() / "host-kernels.json");
  EXPECT_TRUE(resolve_device("rpi4").kernels_file.empty());
}

TEST(DeviceProfile, UnknownNameListsTheKnownOnes) {
  hat::test::expect_error([] { resolve_device("jetson"); },
                     {"unknown device 'jetson'", "host", "rpi4", "raspberrypi", "titanxp", "xeon"});
}

class DeviceProfileFiles : public test::DatasetTest {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }
  static std::string profile(const std::string& name, const std::string& aliases) {
    return "name: " + name + "\naliases: [" + aliases +
           "]\nhardware: a board\nbackend: cpu\nthreads: 4\nsource-length: 23\nbeam: 4\n"
           "vocabulary-size: 10000\nqkv-dim: 512\npredictor-scale-ms: 800\ndata-format: sqlite\n"
           "data: data/board.sqlite\npredictor: p/board.predictor\n";
  }
};

TEST_F(DeviceProfileFiles, EnvironmentVariableReplacesTheDirectory) {
  write("board.yml", profile("board", "myboard"));
  ProfilesEnv env(root_.string());
  EXPECT_EQ(device_profiles_directory(), root_);
  const DeviceProfile d = resolve_device("myboard");
  EXPECT_EQ(d.name, "board");
  EXPECT_EQ(d.threads, 4);
  EXPECT_EQ(d.source_length, 23);
  EXPECT_EQ(d.predictor_scale_ms, 800);
  EXPECT_EQ(d.data_file, root_ / "data/board.sqlite");  // relative to the profile's directory
  EXPECT_TRUE(d.kernels_file.empty()) << "kernels is optional";
  EXPECT_EQ(known_devices().size(), 1u);
  hat::test::expect_error([] { resolve_device("rpi4"); }, {"unknown device 'rpi4'", "board"});
}

TEST_F(DeviceProfileFiles, AProfileFileLoadsByPath) {
  write("mine.yml", profile("mine", "") + "kernels: k/mine.json\n");
  const DeviceProfile d = resolve_device((root_ / "mine.yml").string());
  EXPECT_EQ(d.name, "mine");
  EXPECT_EQ(d.kernels_file, root_ / "k/mine.json");
  write("list.yml", profile("list", "") + "kernels: [a, b]\n");
  hat::test::expect_error([&] { load_device_profile(root_ / "list.yml"); },
                          {"list.yml", "'kernels' must be a string"});
}

TEST_F(DeviceProfileFiles, BadProfilesNameFileAndKey) {
  std::string text = profile("board", "b");
  write("missing.yml", text.substr(0, text.find("beam:")) + text.substr(text.find("vocabulary")));
  hat::test::expect_error([&] { load_device_profile(root_ / "missing.yml"); }, {"missing.yml", "'beam'"});
  write("typo.yml", profile("board", "b") + "colour: red\n");
  hat::test::expect_error([&] { load_device_profile(root_ / "typo.yml"); }, {"typo.yml", "'colour'"});
  std::string bad_format = profile("board", "b");
  bad_format.replace(bad_format.find("sqlite"), 6, "parquet");
  write("format.yml", bad_format);
  hat::test::expect_error([&] { load_device_profile(root_ / "format.yml"); }, {"data-format", "parquet"});
}

TEST_F(DeviceProfileFiles, TwoProfilesClaimingOneNameAreRefused) {
  write("a.yml", profile("a", "shared"));
  write("b.yml", profile("b", "shared"));
  ProfilesEnv env(root_.string());
  hat::test::expect_error([] { known_devices(); }, {"'shared'", "a.yml", "b.yml"});
}

}  // namespace
}  // namespace hat::latency
