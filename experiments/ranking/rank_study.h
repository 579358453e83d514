// HAT's question behind its search (the paper's Figure 6 / Table 5): do a SuperTransformer's
// inherited-weight validation losses rank SubTransformers the way training them does? K
// SubTransformers spread over a device's predicted latency are scored with inherited weights,
// then each is trained for one fixed budget (from scratch, or fine-tuned from its inherited
// weights as in HAT's Table 6), and the two orders are compared with Kendall's tau and
// Spearman's rho. Every step is saved in the output directory, so a stopped study continues.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/train/trainer.h"

namespace hat::experiments {

struct RankStudyOptions {
  std::filesystem::path checkpoint = "checkpoints/default";  // checkpoint or save directory
  std::filesystem::path data = "data/default";
  std::filesystem::path out = "runs/rank";
  // The SubTransformers are spread over this device's predicted latency; "none": over their
  // parameter count (no predictor needed).
  std::string device = "rpi4";
  int count = 8;                // K
  int64_t pool = 500;           // random SubTransformers the K are picked from
  uint64_t seed = 1;
  bool fine_tune = false;       // from the inherited weights instead of from scratch
  double seconds_each = 0;      // time budget of each training (0: none)
  int64_t updates_each = 0;     // updates of each training (0: the space's max-update)
  int64_t valid_sentences = 0;  // validation sentences scored (0: all), inherited and trained alike
};

struct RankedArch {
  arch::ArchConfig arch;
  std::string hash;
  double latency_ms = 0;     // predicted on the device (0 with device "none")
  int64_t parameters = 0;    // without embeddings, as HAT counts
  double inherited_loss = 0; // valid loss in bits per target token (label-smoothed)
  std::optional<double> trained_loss;  // the best valid loss of its training, once done
};

struct RankStudy {
  std::vector<RankedArch> archs;  // by predicted latency
  int trained = 0;                // how many have a trained loss
  // Over the trained ones; 0 with fewer than two.
  double kendall_tau = 0, spearman_rho = 0;
  bool stopped = false;  // a training was stopped (Ctrl-C); the study continues on the next run
};

struct RankStudyEvents {
  std::function<void(const std::string&)> print;
  train::TrainerEvents training;  // each SubTransformer's training reports through these
};

// Loads the checkpoint, picks (or reads back from `out`) the SubTransformers, scores and trains
// what is not done yet. Throws hat::Error when `out` holds a study made with other settings.
RankStudy run_rank_study(const RankStudyOptions& options, const RankStudyEvents& events = {});

// The pairs, one line each (latency, parameters, both losses and ranks), and the agreement.
std::string format_rank_table(const RankStudy& study, const std::string& device);

}  // namespace hat::experiments
