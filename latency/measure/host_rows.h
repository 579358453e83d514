// Latency rows of THIS machine, by HAT's protocol on our engine (measure_architecture.h): random
// SubTransformers of a search space in a SuperTransformer with random weights at a given
// vocabulary size, L and beam. For the transfer experiment (fit on one setting, predict another);
// the full profiler with its SQLite dataset is hatprofile's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "latency/hat_csv.h"
#include "latency/predict/arch_summary.h"

namespace hat::latency {

struct HostMeasureOptions {
  std::string space = "wmt14.en-de";  // a shipped space name or a space file
  InferenceSetting setting;
  int architectures = 30;
  uint64_t seed = 1;  // architecture k is sample_arch(space, seed + k): the same across settings
  int warmups = 1;
  int iterations = 5;
  // What a row records per part: HAT's trimmed mean, or the fastest timed run, the estimate least
  // disturbed by other work on a shared machine.
  bool record_minimum = false;
  std::function<void(int done, int total)> progress;
};

// One HAT CSV row per architecture (features, trimmed means or minima, and stds).
std::vector<HatCsvRow> measure_host_rows(const HostMeasureOptions& options);

}  // namespace hat::latency
