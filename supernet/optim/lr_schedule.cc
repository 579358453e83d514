#include "supernet/optim/lr_schedule.h"

#include <cmath>
#include <numbers>

#include "devices/error.h"

namespace hat::optim {

namespace {

double warmup_lr(int64_t updates, int64_t warmup, double init, double peak) {
  return init + static_cast<double>(updates) * (peak - init) / static_cast<double>(warmup);
}

class InverseSqrt final : public LrSchedule {
 public:
  explicit InverseSqrt(const InverseSqrtOptions& o) : o_(o) {
    HAT_CHECK(o.peak_lr > 0 && o.warmup_updates >= 0 && o.warmup_init_lr >= 0,
              "inverse_sqrt schedule: needs peak lr > 0 (got ", o.peak_lr,
              "), warm-up updates >= 0 (got ", o.warmup_updates, ") and init lr >= 0");
  }
  double lr(int64_t updates) const override {
    if (updates < o_.warmup_updates)
      return warmup_lr(updates, o_.warmup_updates, o_.warmup_init_lr, o_.peak_lr);
    if (o_.warmup_updates == 0) return o_.peak_lr / std::sqrt(std::max<double>(updates, 1));
    return o_.peak_lr * std::sqrt(static_cast<double>(o_.warmup_updates) / updates);
  }
  std::string describe() const override {
    return str("inverse_sqrt(peak ", o_.peak_lr, ", warmup ", o_.warmup_updates, " from ",
               o_.warmup_init_lr, ")");
  }

 private:
  InverseSqrtOptions o_;
};

class Cosine final : public LrSchedule {
 public:
  explicit Cosine(const CosineOptions& o) : o_(o) {
    HAT_CHECK(o.max_lr > 0 && o.min_lr >= 0 && o.min_lr <= o.max_lr, "cosine schedule: needs 0 <= min lr (",
              o.min_lr, ") <= max lr (", o.max_lr, ")");
    HAT_CHECK(o.period_updates > 0 && o.t_mult > 0 && o.lr_shrink > 0 && o.warmup_updates >= 0,
              "cosine schedule: period (", o.period_updates, "), t_mult (", o.t_mult,
              ") and lr_shrink (", o.lr_shrink, ") must be > 0");
  }
  double lr(int64_t updates) const override {
    if (updates < o_.warmup_updates)
      return warmup_lr(updates, o_.warmup_updates, o_.warmup_init_lr, o_.max_lr);
    const double c = static_cast<double>(updates - o_.warmup_updates);
    const double period = static_cast<double>(o_.period_updates);
    double i, t_i, t_cur;
    if (o_.t_mult == 1.0) {
      i = std::floor(c / period);
      t_i = period;
      t_cur = c - i * period;
    } else {
      i = std::floor(std::log(1 - c / period * (1 - o_.t_mult)) / std::log(o_.t_mult));
      t_i = std::pow(o_.t_mult, i) * period;
      t_cur = c - (1 - std::pow(o_.t_mult, i)) / (1 - o_.t_mult) * period;
    }
    const double shrink = std::pow(o_.lr_shrink, i);
    const double lo = o_.min_lr * shrink, hi = o_.max_lr * shrink;
    return lo + 0.5 * (hi - lo) * (1 + std::cos(std::numbers::pi * t_cur / t_i));
  }
  std::string describe() const override {
    return str("cosine(max ", o_.max_lr, ", min ", o_.min_lr, ", warmup ", o_.warmup_updates,
               ", period ", o_.period_updates, ", t_mult ", o_.t_mult, ", shrink ", o_.lr_shrink,
               ")");
  }

 private:
  CosineOptions o_;
};

}  // namespace

std::unique_ptr<LrSchedule> make_inverse_sqrt_schedule(const InverseSqrtOptions& options) {
  return std::make_unique<InverseSqrt>(options);
}

std::unique_ptr<LrSchedule> make_cosine_schedule(const CosineOptions& options) {
  return std::make_unique<Cosine>(options);
}

}  // namespace hat::optim
