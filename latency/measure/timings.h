// Timing lists and how many to take: HAT's trimmed summary of one part's timings, and the
// iteration policy that decides when a part has been timed enough.
#pragma once

#include <functional>
#include <vector>

namespace hat::latency {

// Summary of one part's timings, in milliseconds.
struct TimingSummary {
  double trimmed_mean_ms = 0;  // HAT's figure: mean of the sorted timings without the trims
  double trimmed_std_ms = 0;   // population standard deviation of the same (numpy's std)
  double median_ms = 0;
  double min_ms = 0, max_ms = 0;
  int samples = 0;  // timings taken (before trimming)
};

// HAT's trimming: sort, drop floor(n * trim) from each end (none when that would drop all).
TimingSummary summarize_timings(std::vector<double> timings_ms, double trim);

// When to stop timing one part (encoder or decoder) of one architecture.
struct IterationPolicy {
  int iterations = 20;       // at least this many timed runs (exactly this many when no target)
  double precision = 0;      // > 0: go on until the standard error of the trimmed mean is at
                             // most this fraction of it ...
  double seconds = 0;        // > 0: ... or until this much time went on the part ...
  int max_iterations = 200;  // ... and never more than this many runs
  bool adaptive() const { return precision > 0 || seconds > 0; }
};

// Calls run() (one timed run, returning its milliseconds) until the policy is met, and tick()
// after each run (it may throw to stop). Returns the timings in the order taken.
std::vector<double> time_until(const std::function<double()>& run, const IterationPolicy& policy,
                               double trim, const std::function<void()>& tick);

}  // namespace hat::latency
