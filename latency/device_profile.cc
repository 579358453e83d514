#include "latency/device_profile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include "devices/error.h"
#include "supernet/arch/yaml_fields.h"
#include "util/data_dirs.h"

namespace hat::latency {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Strict typed access to one profile's mapping; every error names the file and the key.
class ProfileFields {
 public:
  ProfileFields(const YAML::Node& node, std::string source) : node_(node), source_(std::move(source)) {}

  YAML::Node require(const std::string& key) {
    used_.insert(key);
    const YAML::Node v = node_[key];
    if (!v) throw Error(str(source_, ": missing key '", key, "'"));
    return v;
  }
  std::string get_string(const std::string& key) {
    const YAML::Node v = require(key);
    HAT_CHECK(v.IsScalar(), source_, ": key '", key, "' must be a string");
    return v.Scalar();
  }
  int64_t get_int(const std::string& key, int64_t min_value) {
    int64_t value = 0;
    const YAML::Node v = require(key);
    HAT_CHECK(v.IsScalar() && arch::parse_int64(v.Scalar(), value), source_, ": key '", key,
              "' must be an integer, not '", v.IsScalar() ? v.Scalar() : "(a list or map)", "'");
    HAT_CHECK(value >= min_value, source_, ": key '", key, "' must be >= ", min_value, ", not ", value);
    return value;
  }
  double get_positive(const std::string& key) {
    double value = 0;
    const YAML::Node v = require(key);
    HAT_CHECK(v.IsScalar() && arch::parse_double(v.Scalar(), value) && value > 0, source_,
              ": key '", key, "' must be a positive number");
    return value;
  }
  // An optional string: "" when the key is absent.
  std::string get_optional_string(const std::string& key) {
    used_.insert(key);
    const YAML::Node v = node_[key];
    if (!v) return "";
    HAT_CHECK(v.IsScalar(), source_, ": key '", key, "' must be a string");
    return v.Scalar();
  }
  std::vector<std::string> get_string_list(const std::string& key) {
    used_.insert(key);
    std::vector<std::string> out;
    const YAML::Node v = node_[key];
    if (!v) return out;
    if (v.IsScalar()) return {v.Scalar()};
    HAT_CHECK(v.IsSequence(), source_, ": key '", key, "' must be a list of names");
    for (const YAML::Node& item : v) {
      HAT_CHECK(item.IsScalar(), source_, ": key '", key, "' must be a list of names");
      out.push_back(item.Scalar());
    }
    return out;
  }
  void check_all_used() const {
    for (const auto& kv : node_) {
      const std::string key = kv.first.Scalar();
      HAT_CHECK(used_.count(key), source_, ": unknown key '", key, "'");
    }
  }

 private:
  const YAML::Node node_;  // const: operator[] never inserts
  std::string source_;
  std::set<std::string> used_;
};

}  // namespace

bool DeviceProfile::matches(const std::string& name_or_alias) const {
  const std::string wanted = lower(name_or_alias);
  if (lower(name) == wanted) return true;
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const std::string& a) { return lower(a) == wanted; });
}

fs::path device_profiles_directory() {
  const char* env = std::getenv("HAT_DEVICE_PROFILES");
  if (env != nullptr && *env != '\0') return fs::path(env);
  return util::data_path("devices/profiles");
}

DeviceProfile load_device_profile(const fs::path& file) {
  const std::string source = str("device profile '", file.string(), "'");
  const std::string text = arch::read_config_file(file.string(), "device profile");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(str(source, ": not valid YAML: ", e.what()));
  }
  HAT_CHECK(root.IsMap(), source, ": expected a mapping of keys to values");
  ProfileFields f(root, source);
  const fs::path dir = fs::absolute(file).parent_path();
  const auto resolve = [&](const std::string& p) { return (dir / p).lexically_normal(); };

  DeviceProfile d;
  d.profile_file = fs::absolute(file).lexically_normal();
  d.name = f.get_string("name");
  HAT_CHECK(!d.name.empty() && d.name.find_first_of(" \t/") == std::string::npos, source,
            ": key 'name' must be a non-empty word, not '", d.name, "'");
  d.aliases = f.get_string_list("aliases");
  d.hardware = f.get_string("hardware");
  d.backend = f.get_string("backend");
  d.threads = static_cast<int>(f.get_int("threads", 0));
  d.source_length = f.get_int("source-length", 1);
  d.beam = f.get_int("beam", 1);
  d.vocabulary_size = f.get_int("vocabulary-size", 4);
  d.qkv_dim = f.get_int("qkv-dim", 1);
  d.predictor_scale_ms = f.get_positive("predictor-scale-ms");
  const std::string format = f.get_string("data-format");
  if (format == "hat-csv") {
    d.data_format = LatencyDataFormat::hat_csv;
  } else if (format == "sqlite") {
    d.data_format = LatencyDataFormat::sqlite;
  } else {
    throw Error(str(source, ": key 'data-format' must be hat-csv or sqlite, not '", format, "'"));
  }
  d.data_file = resolve(f.get_string("data"));
  d.predictor_file = resolve(f.get_string("predictor"));
  const std::string kernels = f.get_optional_string("kernels");
  if (!kernels.empty()) d.kernels_file = resolve(kernels);
  f.check_all_used();
  return d;
}

std::vector<DeviceProfile> known_devices() {
  const fs::path dir = device_profiles_directory();
  std::error_code ec;
  HAT_CHECK(fs::is_directory(dir, ec), "device profiles directory '", dir.string(),
            "' does not exist (set HAT_DEVICE_PROFILES to a directory of *.yml profiles)");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".yml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<DeviceProfile> devices;
  std::map<std::string, std::string> claimed;  // lower-case name or alias -> profile file
  for (const fs::path& file : files) {
    DeviceProfile d = load_device_profile(file);
    std::vector<std::string> names = d.aliases;
    names.push_back(d.name);
    for (const std::string& n : names) {
      const auto [it, inserted] = claimed.emplace(lower(n), file.string());
      HAT_CHECK(inserted, "device name '", n, "' is claimed by both ", it->second, " and ",
                file.string());
    }
    devices.push_back(std::move(d));
  }
  std::sort(devices.begin(), devices.end(),
            [](const DeviceProfile& a, const DeviceProfile& b) { return a.name < b.name; });
  return devices;
}

DeviceProfile resolve_device(const std::string& name_or_alias) {
  std::error_code ec;
  if (fs::path(name_or_alias).extension() == ".yml" && fs::is_regular_file(name_or_alias, ec))
    return load_device_profile(name_or_alias);
  const std::vector<DeviceProfile> devices = known_devices();
  for (const DeviceProfile& d : devices)
    if (d.matches(name_or_alias)) return d;
  std::string known;
  for (const DeviceProfile& d : devices) {
    known += (known.empty() ? "" : ", ") + d.name;
    for (size_t i = 0; i < d.aliases.size(); ++i)
      known += (i == 0 ? " (alias " : ", ") + d.aliases[i] + (i + 1 == d.aliases.size() ? ")" : "");
  }
  throw Error(str("unknown device '", name_or_alias, "': known devices are ",
                  known.empty() ? std::string("none") : known, " (profiles in ",
                  device_profiles_directory().string(), ")"));
}

}  // namespace hat::latency
