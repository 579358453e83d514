#include "supernet/arch/arch_file.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include "devices/error.h"
#include "util/data_dirs.h"

namespace hat::arch {

namespace fs = std::filesystem;

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

fs::path published_configs_directory() { return util::data_path("experiments/hat-configs"); }

std::string resolve_arch_file(const std::string& name_or_path) {
  std::error_code ec;
  if (name_or_path.find('/') != std::string::npos || fs::exists(name_or_path, ec)) return name_or_path;
  fs::path dir;
  try {
    dir = published_configs_directory();
  } catch (const Error& e) {
    throw Error(str("arch file '", name_or_path, "' does not exist, and HAT's published ",
                    "configurations cannot be looked up: ", e.what()));
  }
  std::vector<std::string> matches, published;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& file = it->path();
    if (file.extension() != ".yml" || !it->is_regular_file(ec)) continue;
    const std::string name = file.filename().string();
    if (name == name_or_path || file.stem() == name_or_path) matches.push_back(file.string());
    if (name.starts_with("HAT_")) published.push_back(name);
  }
  std::sort(matches.begin(), matches.end());
  std::sort(published.begin(), published.end());
  if (matches.size() == 1) return matches.front();
  HAT_CHECK(matches.empty(), "arch file '", name_or_path, "' does not exist, and ",
            matches.size(), " of HAT's published configurations have that name: ", joined(matches),
            "; give the path of one");
  throw Error(str("arch file '", name_or_path, "' does not exist, and no published HAT ",
                  "configuration has that name (looked in ", dir.string(), ": ",
                  published.empty() ? std::string("none") : joined(published), ")"));
}

}  // namespace hat::arch
