// Strict reading of a flat YAML mapping: typed getters and unknown-key detection.
#include "supernet/arch/yaml_fields.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "devices/error.h"

namespace hat::arch {

namespace {

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "an undefined value";
  }
}

}  // namespace

std::string read_config_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  HAT_CHECK(std::filesystem::is_regular_file(path, ec), what, " '", path,
            "' does not exist or is not a file");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, what, " '", path, "' cannot be opened");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  HAT_CHECK(!in.bad(), what, " '", path, "' could not be read");
  return bytes.str();
}

bool parse_int64(const std::string& text, int64_t& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool parse_double(const std::string& text, double& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

YamlMap::YamlMap(const std::string& text, std::string source) : source_(std::move(source)) {
  try {
    node_ = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(str(source_, ": not valid YAML (line ", e.mark.line + 1, ", column ",
                    e.mark.column + 1, "): ", e.msg));
  }
  if (node_.IsNull()) node_ = YAML::Node(YAML::NodeType::Map);
  HAT_CHECK(node_.IsMap(), source_, ": expected a mapping of keys to values, got ", kind_of(node_));
  index_keys();
}

YamlMap::YamlMap(YAML::Node node, std::string source, std::string prefix)
    : node_(std::move(node)), source_(std::move(source)), prefix_(std::move(prefix)) {
  index_keys();
}

void YamlMap::index_keys() {
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    HAT_CHECK(entry.first.IsScalar(), source_, ": a key under '", prefix_, "' is ",
              kind_of(entry.first), ", expected a name");
    const std::string key = entry.first.Scalar();
    HAT_CHECK(seen.insert(key).second, where(key), " appears more than once");
    keys_.push_back(key);
  }
}

std::string YamlMap::where(const std::string& key) const {
  return str(source_, ": key '", prefix_, key, "'");
}

bool YamlMap::has(const std::string& key) const {
  for (const auto& k : keys_)
    if (k == key) return true;
  return false;
}

std::vector<std::string> YamlMap::keys() const { return keys_; }

void YamlMap::mark_used(const std::string& key) { used_.insert(key); }

void YamlMap::check_known(const std::vector<std::string>& known) const {
  for (const auto& key : keys_) {
    bool found = false;
    for (const auto& k : known) found = found || k == key;
    HAT_CHECK(found, where(key), " is not a known key");
  }
}

void YamlMap::check_all_used() const {
  for (const auto& key : keys_) HAT_CHECK(used_.count(key), where(key), " is not a known key");
}

YAML::Node YamlMap::scalar(const std::string& key) {
  HAT_CHECK(has(key), where(key), " is missing");
  used_.insert(key);
  const YAML::Node& map = node_;
  YAML::Node value = map[key];
  HAT_CHECK(value.IsScalar(), where(key), ": expected a single value, got ", kind_of(value));
  return value;
}

int64_t YamlMap::get_int(const std::string& key) {
  YAML::Node value = scalar(key);
  int64_t v = 0;
  HAT_CHECK(parse_int64(value.Scalar(), v), where(key), ": expected an integer, got ",
            kind_of(value));
  return v;
}

double YamlMap::get_double(const std::string& key) {
  YAML::Node value = scalar(key);
  double v = 0;
  HAT_CHECK(parse_double(value.Scalar(), v), where(key), ": expected a number, got ",
            kind_of(value));
  return v;
}

bool YamlMap::get_bool(const std::string& key) {
  YAML::Node value = scalar(key);
  const std::string& s = value.Scalar();
  if (s == "True" || s == "true" || s == "TRUE") return true;
  if (s == "False" || s == "false" || s == "FALSE") return false;
  throw Error(str(where(key), ": expected True or False, got ", kind_of(value)));
}

std::string YamlMap::get_string(const std::string& key) { return scalar(key).Scalar(); }

std::vector<int64_t> YamlMap::get_int_list(const std::string& key) {
  HAT_CHECK(has(key), where(key), " is missing");
  used_.insert(key);
  const YAML::Node& map = node_;
  YAML::Node value = map[key];
  HAT_CHECK(value.IsSequence(), where(key), ": expected a list of integers like [1, 2], got ",
            kind_of(value));
  std::vector<int64_t> out;
  for (size_t i = 0; i < value.size(); ++i) {
    int64_t v = 0;
    HAT_CHECK(value[i].IsScalar() && parse_int64(value[i].Scalar(), v), where(key), ": entry ",
              i + 1, " is ", kind_of(value[i]), ", expected an integer");
    out.push_back(v);
  }
  return out;
}

YamlMap YamlMap::get_map(const std::string& key) {
  HAT_CHECK(has(key), where(key), " is missing");
  used_.insert(key);
  const YAML::Node& map = node_;
  YAML::Node value = map[key];
  HAT_CHECK(value.IsMap(), where(key), ": expected a mapping of keys to values, got ",
            kind_of(value));
  return YamlMap(value, source_, prefix_ + key + ".");
}

}  // namespace hat::arch
