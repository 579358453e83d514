// Per-device summaries of a latency dataset (hatprofile stats): rows, latency range, and noise,
// both within a measurement (the protocol's std) and between repeated measurements of one
// architecture (run-to-run coefficient of variation).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "latency/dataset/latency_dataset.h"

namespace hat::latency {

struct DeviceStats {
  std::string device;
  int64_t rows = 0;
  int64_t architectures = 0;           // distinct (by hash, or by features when text is absent)
  double total_min_ms = 0, total_median_ms = 0, total_max_ms = 0;  // encoder + decoder means
  double encoder_median_ms = 0, decoder_median_ms = 0;
  // Within a measurement: median over rows of sqrt(std_enc^2 + std_dec^2) / total mean.
  double within_cv_median = 0;
  // Between measurements of the same architecture (those measured at least twice): the median
  // over such architectures of std/mean of their totals, and how many there were.
  double repeat_cv_median = 0;
  int64_t repeated_architectures = 0;
  // Reference timings (hatprofile run --reference) are not counted above: how many, and the
  // std/mean of their totals, i.e. how much the machine's speed varied while it was profiled.
  int64_t reference_rows = 0;
  double reference_cv = 0;
  // The kernel implementations the rows record (Measurement::implementations), each with the
  // number of rows that ran it, sorted by name: on a board, where oneDNN ran reference code or
  // our loops stood in for it. Rows measured before schema 3 or imported record none.
  std::vector<std::pair<std::string, int64_t>> implementations{};
  int64_t rows_with_implementations = 0;
};

// The median of `values` (0 when empty).
double median(std::vector<double> values);

DeviceStats device_stats(const std::string& device, const std::vector<Measurement>& rows);
std::vector<DeviceStats> dataset_stats(LatencyDataset& dataset);

}  // namespace hat::latency
