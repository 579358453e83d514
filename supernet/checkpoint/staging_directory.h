// A directory built under a temporary name beside its target and renamed into place, with
// every step fsynced: after a crash there is either the finished directory or none at all.
#pragma once

#include <filesystem>

namespace hat::checkpoint {

class StagingDirectory {
 public:
  // Creates "<parent>/.tmp-<name>-<unique>" (and the parent, if missing).
  explicit StagingDirectory(std::filesystem::path target);
  ~StagingDirectory();  // removes the temporary directory unless committed
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  // Where to write the files (each of them durably: AtomicFile fsyncs).
  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }

  // fsyncs the temporary directory, renames it to the target and fsyncs the parent. An
  // existing target (an older directory of the same name) is first moved aside under a
  // temporary name and removed once the new one is in place.
  void commit();

 private:
  std::filesystem::path target_, temp_;
  bool committed_ = false;
};

}  // namespace hat::checkpoint
