#include "supernet/train/lr_schedule_factory.h"

#include "devices/error.h"

namespace hat::train {

std::unique_ptr<optim::LrSchedule> make_schedule(const arch::TrainSettings& s) {
  if (s.lr_scheduler == "inverse_sqrt")
    return optim::make_inverse_sqrt_schedule(
        {.peak_lr = s.lr, .warmup_updates = s.warmup_updates, .warmup_init_lr = s.warmup_init_lr});
  if (s.lr_scheduler == "cosine") {
    // fairseq: without --lr-period-updates one cosine spans the updates after the warm-up.
    const int64_t period =
        s.lr_period_updates > 0 ? s.lr_period_updates : std::max<int64_t>(s.max_update - s.warmup_updates, 1);
    return optim::make_cosine_schedule({.max_lr = s.max_lr,
                                        .min_lr = s.lr,
                                        .warmup_updates = s.warmup_updates,
                                        .warmup_init_lr = s.warmup_init_lr,
                                        .period_updates = period,
                                        .t_mult = s.t_mult,
                                        .lr_shrink = s.lr_shrink});
  }
  throw Error(str("lr-scheduler '", s.lr_scheduler, "' is unknown: use inverse_sqrt or cosine"));
}

}  // namespace hat::train
