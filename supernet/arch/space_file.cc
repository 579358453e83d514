// Space files: resolution of shipped names, parsing of the space and training keys together.
#include "supernet/arch/space_file.h"

#include <algorithm>
#include <filesystem>

#include "devices/error.h"
#include "supernet/arch/space_yaml.h"
#include "supernet/arch/train_settings_yaml.h"
#include "supernet/arch/yaml_fields.h"
#include "util/data_dirs.h"

namespace hat::arch {

namespace fs = std::filesystem;

namespace {

bool is_path(const std::string& s) {
  return s.find('/') != std::string::npos || s.ends_with(".yml") || s.ends_with(".yaml");
}

}  // namespace

std::string spaces_dir() { return util::data_path("experiments/spaces").string(); }

std::vector<std::string> shipped_space_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(spaces_dir(), ec))
    if (entry.path().extension() == ".yml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string resolve_space_path(const std::string& name_or_path) {
  HAT_CHECK(!name_or_path.empty(), "search space: no name or path given");
  if (is_path(name_or_path)) return name_or_path;
  return (fs::path(spaces_dir()) / (name_or_path + ".yml")).string();
}

SpaceFile parse_space_file(const std::string& text, const std::string& name,
                           const std::string& source) {
  YamlMap map(text, source);
  std::vector<std::string> known = space_keys();
  known.insert(known.end(), train_setting_keys().begin(), train_setting_keys().end());
  map.check_known(known);  // a misspelt key is reported as such, not as a missing one
  SpaceFile file;
  file.space.name = name;
  read_space_keys(map, file.space);
  read_train_settings(map, file.settings);
  map.check_all_used();
  try {
    validate_space(file.space);
  } catch (const Error& e) {
    throw Error(str(source, ": ", e.what()));
  }
  file.text = text;
  file.hash = space_hash(file.space);
  return file;
}

SpaceFile load_space_file(const std::string& name_or_path) {
  const std::string path = resolve_space_path(name_or_path);
  std::error_code ec;
  if (!is_path(name_or_path) && !fs::is_regular_file(path, ec)) {
    std::string known;
    for (const auto& n : shipped_space_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(str("search space '", name_or_path, "' is not a shipped space (", spaces_dir(),
                    " has: ", known.empty() ? "none" : known,
                    "); give a path to a .yml file instead"));
  }
  const std::string text = read_config_file(path, "space file");
  const std::string name = is_path(name_or_path) ? fs::path(path).stem().string() : name_or_path;
  SpaceFile file = parse_space_file(text, name, "space file '" + path + "'");
  file.path = path;
  return file;
}

}  // namespace hat::arch
