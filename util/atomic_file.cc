// Durable, all-or-nothing file writes.
#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "devices/error.h"

namespace hat::util {

namespace fs = std::filesystem;

namespace {

std::string system_reason(int error) { return std::strerror(error); }

fs::path parent_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

fs::path temporary_name(const fs::path& target) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}();
  const std::string name = str(kTemporaryPrefix, target.filename().string(), "-", ::getpid(), "-",
                               counter++, "-", std::hex, (salt & 0xffffff));
  return parent_of(target) / name;
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  HAT_CHECK(!target_.empty() && !target_.filename().empty(), "atomic write: '", target_.string(),
            "' is not a file name");
  // An existing device or pipe (/dev/null, /dev/stdout: status follows the link) is written in
  // place, with no temporary: renaming over it would destroy it.
  std::error_code error;
  const fs::file_status status = fs::status(target_, error);
  if (!error && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)) {
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    HAT_CHECK(fd_ >= 0, target_.string(), ": cannot open for writing: ", system_reason(errno));
    return;
  }
  for (int attempt = 0; fd_ < 0; ++attempt) {
    temp_ = temporary_name(target_);
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    const int error = errno;
    HAT_CHECK(fd_ >= 0 || (error == EEXIST && attempt < 100), target_.string(),
              ": cannot create a temporary file beside it: ", system_reason(error));
  }
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

void AtomicFile::write(const void* bytes, size_t size) {
  HAT_CHECK(fd_ >= 0, target_.string(), ": write after commit");
  const char* p = static_cast<const char*>(bytes);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      discard();  // the temporary goes now, not when the caller unwinds
      throw Error(str(target_.string(), ": write failed (", system_reason(error),
                      "); the previous file, if any, is unchanged"));
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFile::commit() {
  HAT_CHECK(fd_ >= 0 && !committed_, target_.string(), ": committed twice");
  auto fail = [&](const char* what) {
    const int error = errno;
    discard();
    throw Error(str(target_.string(), ": ", what, " failed (", system_reason(error),
                    "); the previous file, if any, is unchanged"));
  };
  const bool in_place = temp_.empty();  // a device or pipe: nothing to sync or rename
  if (!in_place && ::fsync(fd_) != 0) fail("fsync");
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close");
  if (in_place) {
    committed_ = true;
    return;
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("rename");
  committed_ = true;
  sync_directory(parent_of(target_));
}

void write_file_atomically(const fs::path& target, std::string_view bytes) {
  AtomicFile file(target);
  file.write(bytes);
  file.commit();
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  HAT_CHECK(fd >= 0, dir.string(), ": cannot open the directory to sync it: ", system_reason(errno));
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory (EINVAL); their renames are as durable as they get.
  HAT_CHECK(result == 0 || error == EINVAL, dir.string(), ": fsync of the directory failed: ",
            system_reason(error));
}

void replace_symlink(const fs::path& link, const fs::path& target) {
  fs::path temp;
  for (int attempt = 0;; ++attempt) {
    temp = temporary_name(link);
    if (::symlink(target.c_str(), temp.c_str()) == 0) break;
    const int error = errno;
    HAT_CHECK(error == EEXIST && attempt < 100, link.string(), ": cannot create a symbolic link beside it: ",
              system_reason(error));
  }
  if (::rename(temp.c_str(), link.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw Error(str(link.string(), ": cannot replace it with a link to ", target.string(), ": ",
                    system_reason(error)));
  }
  sync_directory(parent_of(link));
}

}  // namespace hat::util
