// Learning-rate schedules, as fairseq's (which HAT uses): inverse square root with linear
// warm-up (IWSLT, and the default), and linear warm-up then cosine (HAT's WMT settings).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace hat::optim {

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  // Learning rate for the update that follows `num_updates` finished updates.
  virtual double lr(int64_t num_updates) const = 0;
  virtual std::string describe() const = 0;
};

// fairseq inverse_sqrt:
//   updates < warmup:  lr = init + updates * (peak - init) / warmup
//   otherwise:         lr = peak * sqrt(warmup / updates)
struct InverseSqrtOptions {
  double peak_lr = 5e-4;
  int64_t warmup_updates = 4000;
  double warmup_init_lr = 1e-7;
};

// fairseq cosine with t_mult and lr_shrink, after a linear warm-up from init to max:
//   updates < warmup:  lr = init + updates * (max - init) / warmup
//   otherwise, with c = updates - warmup:
//     t_mult == 1:  i = floor(c / period), t_i = period, t_cur = c - i period
//     t_mult != 1:  i = floor(log_{t_mult}(1 - c / period (1 - t_mult))),
//                   t_i = t_mult^i period, t_cur = c - (1 - t_mult^i) / (1 - t_mult) period
//     lr = s (min + (max - min) (1 + cos(pi t_cur / t_i)) / 2),   s = lr_shrink^i
struct CosineOptions {
  double max_lr = 1e-3;
  double min_lr = 1e-7;
  int64_t warmup_updates = 10000;
  double warmup_init_lr = 1e-7;
  int64_t period_updates = 30000;
  double t_mult = 1.0;
  double lr_shrink = 1.0;
};

std::unique_ptr<LrSchedule> make_inverse_sqrt_schedule(const InverseSqrtOptions& options);
std::unique_ptr<LrSchedule> make_cosine_schedule(const CosineOptions& options);

}  // namespace hat::optim
