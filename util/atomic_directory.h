// A directory built under a temporary name beside its target and renamed into place at the end,
// with every step fsynced: after a crash or an interrupted run there is either the finished
// directory or none at all, never one that looks complete. Every directory the tools write (data
// directories, checkpoints, model directories) is made this way.
#pragma once

#include <filesystem>
#include <string>

namespace hat::util {

class AtomicDirectory {
 public:
  // Replaces, at commit, whatever stands at `target` (an older directory of the same name).
  explicit AtomicDirectory(std::filesystem::path target);
  // Guarded: refuses (hat::Error) when `target` exists, unless `force`; even with `force` it only
  // replaces an empty directory or one holding `marker_file` (what this kind of directory always
  // contains, e.g. "metadata.json"), never an arbitrary directory or a file. Checked again at
  // commit, since the target may appear meanwhile.
  AtomicDirectory(std::filesystem::path target, bool force, std::string marker_file);
  ~AtomicDirectory();  // removes the temporary directory unless committed
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  // Where to write the files: "<parent>/.tmp-<name>-<unique>" (temporary_name), created with the
  // parent if missing; each file in it written durably (AtomicFile fsyncs).
  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }

  // fsyncs the temporary directory, renames it to the target and fsyncs the parent. An existing
  // target is swapped out in one step where the file system can, else first moved aside under a
  // temporary name; either way it is removed once the new one is in place.
  void commit();

  // The guarded constructor's refusal alone, to fail fast before long work.
  static void check(const std::filesystem::path& target, bool force,
                    const std::string& marker_file);

 private:
  AtomicDirectory(std::filesystem::path target, bool guarded, bool force, std::string marker_file);

  std::filesystem::path target_, temp_;
  bool guarded_;
  bool force_;
  std::string marker_;
  bool committed_ = false;
};

}  // namespace hat::util
