// Strict reading of a flat YAML mapping (HAT's config files, our arch form): typed getters
// whose errors name the source and the key, and a check that every key was consumed.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace hat::arch {

class YamlMap {
 public:
  // Parses `text` (from `source`, e.g. "arch file 'x.yml'") and requires a mapping with
  // scalar keys, each at most once. An empty document is an empty mapping.
  YamlMap(const std::string& text, std::string source);

  bool has(const std::string& key) const;
  std::vector<std::string> keys() const;  // in file order

  // Each getter marks the key used and throws hat::Error naming source and key when the key
  // is missing or its value has the wrong type.
  int64_t get_int(const std::string& key);
  double get_double(const std::string& key);
  bool get_bool(const std::string& key);
  std::string get_string(const std::string& key);
  std::vector<int64_t> get_int_list(const std::string& key);
  YamlMap get_map(const std::string& key);  // a nested mapping (its keys prefixed "key.")

  void mark_used(const std::string& key);  // accepted and ignored
  // Throws naming the first key (in file order) that is not in `known`.
  void check_known(const std::vector<std::string>& known) const;
  // Throws naming the first key (in file order) no getter read.
  void check_all_used() const;

  const std::string& source() const { return source_; }
  // Error message prefix for `key`: "<source>: key '<prefix><key>'".
  std::string where(const std::string& key) const;

 private:
  YamlMap(YAML::Node node, std::string source, std::string prefix);
  void index_keys();
  YAML::Node scalar(const std::string& key);

  YAML::Node node_;
  std::string source_, prefix_;
  std::vector<std::string> keys_;
  std::set<std::string> used_;
};

// The bytes of a config file; throws hat::Error naming `what` and the path if it cannot be read.
std::string read_config_file(const std::string& path, const std::string& what);

// Strict scalar parsing (the whole text must be consumed); false when it does not parse.
bool parse_int64(const std::string& text, int64_t& value);
bool parse_double(const std::string& text, double& value);

}  // namespace hat::arch
