#include "latency/measure/timings.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "devices/error.h"

namespace hat::latency {

TimingSummary summarize_timings(std::vector<double> timings_ms, double trim) {
  HAT_CHECK(!timings_ms.empty(), "summarize_timings: no timings");
  HAT_CHECK(trim >= 0 && trim < 0.5, "summarize_timings: trim ", trim, " outside [0, 0.5)");
  std::sort(timings_ms.begin(), timings_ms.end());
  TimingSummary s;
  const size_t n = timings_ms.size();
  s.samples = static_cast<int>(n);
  s.min_ms = timings_ms.front();
  s.max_ms = timings_ms.back();
  s.median_ms = n % 2 ? timings_ms[n / 2] : 0.5 * (timings_ms[n / 2 - 1] + timings_ms[n / 2]);
  size_t cut = static_cast<size_t>(std::floor(static_cast<double>(n) * trim));
  if (2 * cut >= n) cut = 0;
  const auto first = timings_ms.begin() + static_cast<std::ptrdiff_t>(cut);
  const auto last = timings_ms.end() - static_cast<std::ptrdiff_t>(cut);
  const double kept = static_cast<double>(last - first);
  s.trimmed_mean_ms = std::accumulate(first, last, 0.0) / kept;
  double sq = 0;
  for (auto it = first; it != last; ++it)
    sq += (*it - s.trimmed_mean_ms) * (*it - s.trimmed_mean_ms);
  s.trimmed_std_ms = std::sqrt(sq / kept);
  return s;
}

namespace {

// Standard error of the trimmed mean relative to it: std / sqrt(kept) / mean.
double relative_standard_error(const std::vector<double>& timings, double trim) {
  const TimingSummary s = summarize_timings(timings, trim);
  const size_t cut = static_cast<size_t>(std::floor(static_cast<double>(timings.size()) * trim));
  const size_t kept = 2 * cut < timings.size() ? timings.size() - 2 * cut : timings.size();
  if (s.trimmed_mean_ms <= 0 || kept < 2) return INFINITY;
  return s.trimmed_std_ms / std::sqrt(static_cast<double>(kept)) / s.trimmed_mean_ms;
}

}  // namespace

std::vector<double> time_until(const std::function<double()>& run, const IterationPolicy& policy,
                               double trim, const std::function<void()>& tick) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> timings;
  const auto start = Clock::now();
  for (;;) {
    timings.push_back(run());
    if (tick) tick();
    const int n = static_cast<int>(timings.size());
    if (n < policy.iterations) continue;
    if (!policy.adaptive() || n >= policy.max_iterations) break;
    if (policy.precision > 0 && relative_standard_error(timings, trim) <= policy.precision) break;
    if (policy.seconds > 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() >= policy.seconds)
      break;
  }
  return timings;
}

}  // namespace hat::latency
