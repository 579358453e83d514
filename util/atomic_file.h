// Durable, all-or-nothing file writes: a temporary file beside the target, fsync, rename over
// the target, fsync the directory. A failure at any point leaves the old file untouched.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace hat::util {

// Prefix of every temporary name these helpers create (files and directories), so that a
// checkpoint store can sweep what a killed process left behind.
inline constexpr std::string_view kTemporaryPrefix = ".tmp-";

// A file written in pieces under "<dir>/.tmp-<name>-<unique>" and moved over `target` by
// commit(). Destroying it uncommitted (an exception, a failed write) removes the temporary.
// A target that exists and is not a regular file (a device such as /dev/null or /dev/stdout, a
// named pipe) is written in place instead: renaming over it would destroy it (run as root,
// `hattranslate -o /dev/null` once turned /dev/null into a regular file).
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes; throws hat::Error naming the target and the system's reason (disk full,
  // file too large...) when the system refuses.
  void write(const void* bytes, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

  // fsync, close, rename over the target, fsync the directory. Once.
  void commit();

  const std::filesystem::path& target() const { return target_; }

 private:
  void discard() noexcept;

  std::filesystem::path target_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// The whole file in one call.
void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);

// fsync of a directory, so that renames and new entries in it survive a power cut.
void sync_directory(const std::filesystem::path& dir);

// Points the symbolic link `link` at `target` (a name relative to the link's directory),
// replacing any previous link atomically: a temporary link renamed over it.
void replace_symlink(const std::filesystem::path& link, const std::filesystem::path& target);

// A name for a temporary beside `target`: "<dir>/.tmp-<name>-<pid>-<counter>-<random>".
std::filesystem::path temporary_name(const std::filesystem::path& target);

}  // namespace hat::util
