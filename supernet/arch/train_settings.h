// Training hyper-parameters, with fairseq's names in comments: read from a space file (HAT's
// YAML carries them beside the search space) and overridable on the hattrain command line.
#pragma once

#include <cstdint>
#include <string>

namespace hat::arch {

struct TrainSettings {
  // optimizer: adam
  double adam_beta1 = 0.9, adam_beta2 = 0.98;  // adam-betas: (0.9, 0.98)
  double adam_eps = 1e-8;                      // adam-eps
  double weight_decay = 0.0;                   // weight-decay
  double clip_norm = 25.0;                     // clip-norm (0: no clipping; fairseq 0.8 default 25)
  // schedule
  std::string lr_scheduler = "inverse_sqrt";   // lr-scheduler: inverse_sqrt | cosine
  double lr = 5e-4;             // lr: inverse_sqrt's peak; cosine's floor (fairseq's --lr)
  double max_lr = 1e-3;         // max-lr: cosine's peak
  double warmup_init_lr = 1e-7; // warmup-init-lr
  int64_t warmup_updates = 4000;
  double lr_shrink = 1.0;       // lr-shrink (cosine)
  double t_mult = 1.0;          // t-mult (cosine)
  int64_t lr_period_updates = 0;  // lr-period-updates (cosine; 0: max-update - warmup-updates)
  // batches and length of training
  int64_t max_tokens = 4096;    // max-tokens
  int64_t update_freq = 1;      // update-freq (gradient accumulation)
  int64_t max_update = 50000;   // max-update
  // largest-first-updates (ours, not fairseq's): the first N updates train the largest
  // SubTransformer alone, then HAT's uniform sampling takes over (Once-for-All's progressive
  // shrinking in its simplest form). 0, HAT's behaviour, for HAT's spaces; see default.yml.
  int64_t largest_first_updates = 0;
  // regularisation (HAT rescales dropout by sampled / super dimension)
  double dropout = 0.3;             // dropout
  double attention_dropout = 0.0;   // attention-dropout
  double activation_dropout = 0.0;  // activation-dropout
  double label_smoothing = 0.1;     // label-smoothing
  // bookkeeping (in updates)
  int64_t validate_interval_updates = 1000;
  int64_t save_interval_updates = 1000;
  int64_t keep_last = 5;            // checkpoints kept besides the best
  uint64_t seed = 1;                // seed

  bool operator==(const TrainSettings&) const = default;
};

}  // namespace hat::arch
