// A folder of training checkpoints: root/checkpoint_00001200/ ... one per save, the links
// root/checkpoint_last and root/checkpoint_best (symbolic links, replaced atomically), and
// pruning of all but the last N and the best.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "devices/parameters.h"
#include "supernet/checkpoint/checkpoint.h"
#include "supernet/optim/adam.h"

namespace hat::checkpoint {

// Receives what the store skips or cannot clean up (library code never prints).
using WarningHandler = std::function<void(const std::string&)>;

class CheckpointStore {
 public:
  // Creates `root` if missing. `keep_last` >= 1 checkpoints are kept after each save (0 keeps
  // them all), plus the best.
  CheckpointStore(std::filesystem::path root, int64_t keep_last, WarningHandler warn = {});

  // Writes root/checkpoint_UPDATE (replacing one of that name), then points checkpoint_last
  // (and, if is_best, checkpoint_best) at it, then prunes: never the best, never this one.
  // Sweeps temporaries a killed process left in root first. Returns the new directory.
  std::filesystem::path save(int64_t update, const ParameterStore& params, const optim::Adam& adam,
                             const nlohmann::json& trainer_state, bool is_best);

  // The newest checkpoint that verifies (state.json readable, checksums match, update count
  // as its name says); each damaged newer one is reported to the warning handler and skipped.
  std::optional<std::filesystem::path> latest() const;
  // Where checkpoint_best points, if it exists and points at a checkpoint directory.
  std::optional<std::filesystem::path> best() const;

  // load_checkpoint(): verifies `dir`, restores parameters, moments and Adam's step count
  // exactly, and returns the trainer state given to save().
  nlohmann::json load(const std::filesystem::path& dir, const ParameterStore& params,
                      optim::Adam& adam) const {
    return load_checkpoint(dir, params, adam).trainer;
  }

  // Every root/checkpoint_NNNNNNNN directory by update count, oldest first (unverified).
  std::vector<std::pair<int64_t, std::filesystem::path>> list() const;

  // "checkpoint_00001200": the update count zero-padded to 8 digits (wider if it must be).
  static std::string directory_name(int64_t update);
  // The update count a directory name stands for, or nothing for any other name.
  static std::optional<int64_t> parse_directory_name(const std::string& name);

  const std::filesystem::path& root() const { return root_; }

 private:
  void warn(const std::string& message) const {
    if (warn_) warn_(message);
  }
  void sweep_temporaries() const;
  void prune(const std::filesystem::path& just_written) const;

  std::filesystem::path root_;
  int64_t keep_last_;
  WarningHandler warn_;
};

}  // namespace hat::checkpoint

namespace hat {
using checkpoint::CheckpointStore;  // what the trainer uses
}  // namespace hat
