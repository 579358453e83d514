// hattrain's engine: trains the SuperTransformer (one uniformly sampled SubTransformer per
// update, as HAT, after the space's largest-first-updates) or one fixed SubTransformer, with gradient accumulation, HAT's schedules,
// periodic validation of the largest and smallest SubTransformers, metrics, and checkpoints
// from which a killed run resumes bit for bit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/space_file.h"
#include "supernet/arch/train_settings.h"

namespace hat::train {

struct TrainerConfig {
  std::filesystem::path data_dir;
  std::filesystem::path save_dir;        // checkpoints and metrics.csv
  arch::SpaceFile space;                 // search space and HAT's training settings
  arch::TrainSettings settings;          // space.settings with command-line overrides
  std::optional<arch::ArchConfig>
      arch;  // train only this SubTransformer (HAT's train-subtransformer)
  // Fine-tuning (HAT's Table 6): a model directory (hatexport's) of `arch` whose tensors
  // replace the fresh initialisation's leading blocks; its vocabulary must be the data's.
  std::optional<std::filesystem::path> init_model;
  double time_budget_seconds = 0;        // 0: no limit; else stop cleanly once this run took it
  int64_t valid_max_sentences = 0;       // validate on the first N valid sentences (0: all)
  int64_t log_interval = 10;             // updates per metrics row
  bool resume = false;                   // continue from save_dir's latest checkpoint
};

// One metrics row: the mean over the updates since the previous row.
struct TrainProgress {
  int64_t update = 0, max_update = 0;
  uint64_t epoch = 0;
  double elapsed_seconds = 0;  // wall time of this run and the runs it resumed
  double lr = 0;
  double loss_bits = 0, nll_bits = 0;  // per target token
  double target_tokens_per_second = 0;
  double grad_norm = 0;
  std::string arch_hash;  // of the last update's SubTransformer
  // How the last update chose it: metrics.csv's arch column.
  enum class ArchChoice { sampled, largest_first, fixed } arch_choice = ArchChoice::sampled;
};

struct ValidationRecord {
  int64_t update = 0;
  double elapsed_seconds = 0;
  std::string name;       // "largest", "smallest" or "arch"
  std::string arch_hash;
  double loss_bits = 0, nll_bits = 0;
};

// How a run reports to whoever runs it; library code never prints.
struct TrainerEvents {
  std::function<void(const TrainProgress&)> on_progress;      // every log_interval updates
  std::function<void(const ValidationRecord&)> on_validation;
  std::function<void(const std::string&)> on_message;         // checkpoints, resumes, stops
  std::function<bool()> stop_requested;                       // polled between updates
};

struct TrainResult {
  int64_t updates = 0;
  std::string stop_reason;  // "max-update", "time-budget" or "stopped"
  std::filesystem::path last_checkpoint;
  double best_valid_loss_bits = 0;
};

TrainResult train(const TrainerConfig& config, const TrainerEvents& events = {});

}  // namespace hat::train
