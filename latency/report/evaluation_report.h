// What hatpredict eval prints for one data set: how the rows were prepared, the metrics of each
// kind on the test split (all rows and without measurement outliers), the means over several
// splits, and the extrapolation cases.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "latency/device_profile.h"
#include "latency/predict/evaluation.h"

namespace hat::latency {

// When measurements were brought to their run's typical machine speed (hatprofile run
// --reference) and when repeats of an architecture were merged (hatprofile run --passes).
void print_data_preparation(std::ostream& out, const PredictorData& data);

// The row counts, both metrics tables, and each kind against mlp when mlp is among them.
void print_evaluation(std::ostream& out, const std::string& name, const Evaluation& evaluation);

// --splits: each kind's mean metrics over the splits (seeds first_seed, first_seed + 1, ...), and
// on how many each kind beat mlp.
void print_splits(std::ostream& out, const std::vector<Evaluation>& evaluations,
                  uint64_t first_seed);

// One line per case: its row counts and each kind's MAPE, or "not enough rows".
void print_extrapolation(std::ostream& out, const std::vector<ExtrapolationCase>& cases);

struct EvaluationReportOptions {
  std::vector<std::string> kinds;
  const DeviceProfile* published = nullptr;          // --published: this device's published configs
  std::optional<std::filesystem::path> predictions;  // --predictions: the test rows' CSV
  bool extrapolate = false;
  int splits = 1;  // > 1: that many splits in all, seeds options.seed, options.seed + 1, ...
};

// hatpredict eval on one data set: the preparation, the first split's tables, the published
// configs, the predictions file, the extrapolation, then the other splits (a line on `progress`
// as each is done) and their means.
void report_evaluation(std::ostream& out, std::ostream& progress, const std::string& name,
                       const PredictorData& data, const TrainOptions& options,
                       const EvaluationReportOptions& report);

}  // namespace hat::latency
