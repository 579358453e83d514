// A directory built under a temporary name beside its target and renamed into place at the
// end, so an interrupted run never leaves a directory that looks complete.
#pragma once

#include <filesystem>
#include <string>

namespace hat::data {

class AtomicDirectory {
 public:
  // Refuses (hat::Error) when `target` exists, unless `force`; even with `force` it only
  // replaces an empty directory or one holding `marker_file` (what this kind of directory
  // always contains, e.g. "metadata.json"), never an arbitrary directory or a file.
  AtomicDirectory(std::filesystem::path target, bool force, std::string marker_file);
  ~AtomicDirectory();  // removes the temporary directory unless committed
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  // Where to write the files: the temporary directory ("<target>.tmp-XXXXXX", same parent).
  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }

  // Moves the finished directory to the target (replacing the old one when forced).
  void commit();

  // The constructor's refusal alone, to fail fast before long work.
  static void check(const std::filesystem::path& target, bool force, const std::string& marker_file);

 private:
  std::filesystem::path target_, temp_;
  bool force_;
  std::string marker_;
  bool committed_ = false;
};

}  // namespace hat::data
