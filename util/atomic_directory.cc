// Directories built under a temporary name and renamed into place.
#include "util/atomic_directory.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "devices/error.h"
#include "util/atomic_file.h"

namespace hat::util {

namespace fs = std::filesystem;

namespace {

fs::path parent_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

AtomicDirectory::AtomicDirectory(fs::path target)
    : AtomicDirectory(std::move(target), false, false, std::string()) {}

AtomicDirectory::AtomicDirectory(fs::path target, bool force, std::string marker_file)
    : AtomicDirectory(std::move(target), true, force, std::move(marker_file)) {}

AtomicDirectory::AtomicDirectory(fs::path target, bool guarded, bool force, std::string marker_file)
    : target_(std::move(target)),
      guarded_(guarded),
      force_(force),
      marker_(std::move(marker_file)) {
  // "out/" -> "out"
  if (!target_.empty() && target_.filename().empty()) target_ = target_.parent_path();
  HAT_CHECK(!target_.empty(), "output directory: no path given");
  if (guarded_) check(target_, force_, marker_);
  const fs::path parent = parent_of(target_);
  std::error_code error;
  fs::create_directories(parent, error);
  HAT_CHECK(!error, parent.string(), ": cannot create the parent of the output directory: ",
            error.message());
  for (int attempt = 0;; ++attempt) {
    temp_ = temporary_name(target_);
    if (::mkdir(temp_.c_str(), 0777) == 0) break;
    const int code = errno;
    HAT_CHECK(code == EEXIST && attempt < 100, target_.string(),
              ": cannot create a temporary directory beside it: ", std::strerror(code));
  }
}

void AtomicDirectory::check(const fs::path& target, bool force, const std::string& marker) {
  if (!fs::exists(fs::symlink_status(target))) return;
  HAT_CHECK(force, target.string(), ": already exists; pass --force to replace it");
  HAT_CHECK(fs::is_directory(target) && !fs::is_symlink(target), target.string(),
            ": exists and is not a directory; refusing to replace it even with --force");
  HAT_CHECK(fs::is_empty(target) || fs::exists(target / marker), target.string(),
            ": exists and holds no ", marker, ", so it is not a directory this tool wrote; "
            "refusing to replace it even with --force");
}

AtomicDirectory::~AtomicDirectory() {
  if (committed_ || temp_.empty()) return;
  std::error_code ignored;
  fs::remove_all(temp_, ignored);
}

void AtomicDirectory::commit() {
  HAT_CHECK(!committed_, target_.string(), ": committed twice");
  if (guarded_) check(target_, force_, marker_);
  sync_directory(temp_);
  const fs::path parent = parent_of(target_);
  std::error_code error;
  fs::path old;
  if (fs::exists(fs::symlink_status(target_))) {
    // Swapped in one step where the file system can (the old one lands in the temporary's
    // place); otherwise moved aside first, leaving a moment with neither.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      sync_directory(parent);
      fs::remove_all(temp_, error);  // now the old directory; a leftover is swept later
      return;
    }
    old = temporary_name(target_);
    fs::rename(target_, old, error);
    HAT_CHECK(!error, target_.string(), ": cannot move the old one aside: ", error.message());
  }
  fs::rename(temp_, target_, error);
  if (error) {
    std::error_code ignored;
    if (!old.empty()) fs::rename(old, target_, ignored);
    throw Error(str(temp_.string(), ": cannot rename to ", target_.string(), ": ", error.message()));
  }
  committed_ = true;
  sync_directory(parent);
  if (!old.empty()) fs::remove_all(old, error);  // a leftover is swept with the other temporaries
}

}  // namespace hat::util
