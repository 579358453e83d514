// Training data of a latency predictor: measured rows (architecture summary with the inference
// setting it ran at, encoder and decoder latency) of one device, and HAT's 80/10/10 split.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "latency/hat_csv.h"
#include "latency/predict/arch_summary.h"
#include "latency/predict/kernel_costs.h"

namespace hat::latency {

struct PredictorRow {
  ArchSummary arch;
  double encoder_ms = 0, decoder_ms = 0;
  double total_ms() const { return encoder_ms + decoder_ms; }
};

struct PredictorData {
  std::string source;  // file it came from, for messages and the predictor's record
  InferenceSetting setting;  // the device's usual setting; each row carries its own in arch.setting
  std::vector<PredictorRow> rows;
  // Rows scaled to their run's typical machine speed (hatprofile run --reference), and the range
  // of the factors applied.
  size_t speed_normalised_rows = 0;
  double speed_factor_min = 1, speed_factor_max = 1;
  // Measurements that repeated an earlier row's architecture (hatprofile run --passes, merged
  // files) and went into its median instead of a row of their own.
  size_t merged_repeats = 0;
  // Micro-benchmarks of the kernels of the machine the rows were measured on (hatpredict
  // kernels), when given: the operator model fitted to these rows prices decoder steps with them.
  std::shared_ptr<const KernelCosts> kernels;
};

// HAT's CSV rows (features only: the operator model's sums come from the averages).
PredictorData training_rows_from_hat_csv(const std::vector<HatCsvRow>& rows,
                                     const InferenceSetting& setting, const std::string& source);

struct Measurement;
// Rows of our SQLite dataset (latency/dataset): exact sums where the row has its architecture,
// the row's own vocabulary, L, beam and qkv where recorded, `defaults` otherwise. Reference
// timings are not rows: a sample with one is multiplied by median(its run's reference totals) /
// its reference total, i.e. brought to the speed the machine had most of the run (a machine
// shared with other jobs drifted 0.85-1.35x within minutes here; the architecture's own cost
// does not drift). Repeated measurements of one architecture (at one setting, mode, thread count
// and host) make one row, the median of their scaled encoder and of their decoder timings: the
// split must not put one architecture in both training and test rows, and on a noisy machine the
// median of measurements taken minutes apart is the better estimate of its latency.
PredictorData training_rows_from_measurements(const std::vector<Measurement>& rows,
                                        const InferenceSetting& defaults, const std::string& source);

struct DataSplit {
  std::vector<size_t> train, valid, test;
};

// A seeded shuffle of the row indices 0 .. rows - 1 (splitmix64 Fisher-Yates: the same on every
// machine).
std::vector<size_t> shuffled_rows(size_t rows, uint64_t seed);

// shuffled_rows cut into the first 80%, the next 10% and the rest (HAT's latency_predictor.py
// proportions).
DataSplit split_rows(size_t rows, uint64_t seed, double train_share = 0.8, double valid_share = 0.1);

// The fewest training rows train_predictor accepts for the kinds with a network (the operator
// model alone needs kMinOpsRows: two equations a row for its ten coefficients, with margin).
inline constexpr size_t kMinTrainingRows = 20;
inline constexpr size_t kMinOpsRows = 8;

}  // namespace hat::latency
