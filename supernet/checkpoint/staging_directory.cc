// Directories built under a temporary name and renamed into place.
#include "supernet/checkpoint/staging_directory.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "devices/error.h"
#include "supernet/checkpoint/atomic_file.h"

namespace hat::checkpoint {

namespace fs = std::filesystem;

StagingDirectory::StagingDirectory(fs::path target) : target_(std::move(target)) {
  if (!target_.empty() && target_.filename().empty()) target_ = target_.parent_path();  // "a/b/" -> "a/b"
  HAT_CHECK(!target_.empty(), "staging directory: no target given");
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(parent, error);
  HAT_CHECK(!error, parent.string(), ": cannot create the directory: ", error.message());
  for (int attempt = 0;; ++attempt) {
    temp_ = temporary_name(target_);
    if (::mkdir(temp_.c_str(), 0777) == 0) break;
    const int code = errno;
    HAT_CHECK(code == EEXIST && attempt < 100, target_.string(),
              ": cannot create a temporary directory beside it: ", std::strerror(code));
  }
}

StagingDirectory::~StagingDirectory() {
  if (committed_ || temp_.empty()) return;
  std::error_code ignored;
  fs::remove_all(temp_, ignored);
}

void StagingDirectory::commit() {
  HAT_CHECK(!committed_, target_.string(), ": committed twice");
  sync_directory(temp_);
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
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

}  // namespace hat::checkpoint
