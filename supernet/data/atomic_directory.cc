// Directories written under a temporary name and renamed into place.
#include "supernet/data/atomic_directory.h"

#include <stdlib.h>

#include <system_error>
#include <vector>

#include "devices/error.h"

namespace hat::data {

namespace fs = std::filesystem;

AtomicDirectory::AtomicDirectory(fs::path target, bool force, std::string marker_file)
    : target_(std::move(target)), force_(force), marker_(std::move(marker_file)) {
  HAT_CHECK(!target_.empty(), "output directory: no path given");
  if (target_.filename().empty()) target_ = target_.parent_path();  // "out/" -> "out"
  check(target_, force_, marker_);
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(parent, error);
  HAT_CHECK(!error, parent.string(), ": cannot create the parent of the output directory: ", error.message());
  std::string pattern = (parent / (target_.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  HAT_CHECK(mkdtemp(buffer.data()) != nullptr, pattern, ": cannot create a temporary directory beside the output");
  temp_ = buffer.data();
  // mkdtemp makes it private (0700); the finished directory is as readable as any other.
  using fs::perms;
  fs::permissions(temp_, perms::owner_all | perms::group_read | perms::group_exec | perms::others_read |
                             perms::others_exec, error);
}

void AtomicDirectory::check(const fs::path& target, bool force, const std::string& marker) {
  if (!fs::exists(fs::symlink_status(target))) return;
  HAT_CHECK(force, target.string(), ": already exists; pass --force to replace it");
  HAT_CHECK(fs::is_directory(target) && !fs::is_symlink(target), target.string(),
            ": exists and is not a directory; refusing to replace it even with --force");
  HAT_CHECK(fs::is_empty(target) || fs::exists(target / marker), target.string(), ": exists and holds no ", marker,
            ", so it is not a directory this tool wrote; refusing to replace it even with --force");
}

AtomicDirectory::~AtomicDirectory() {
  if (committed_ || temp_.empty()) return;
  std::error_code ignored;
  fs::remove_all(temp_, ignored);
}

void AtomicDirectory::commit() {
  HAT_CHECK(!committed_, temp_.string(), ": already committed");
  check(target_, force_, marker_);  // it may have appeared while we were writing
  std::error_code error;
  fs::path old;
  if (fs::exists(target_)) {
    old = temp_;
    old += ".old";
    fs::rename(target_, old, error);
    HAT_CHECK(!error, target_.string(), ": cannot move the old directory aside: ", error.message());
  }
  fs::rename(temp_, target_, error);
  if (error && !old.empty()) {
    std::error_code ignored;
    fs::rename(old, target_, ignored);
  }
  HAT_CHECK(!error, temp_.string(), ": cannot rename to ", target_.string(), ": ", error.message());
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, error);
}

}  // namespace hat::data
