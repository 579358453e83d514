#include "latency/predict/train_and_test.h"

#include <vector>

#include "devices/error.h"
#include "latency/predict/evaluation.h"

namespace hat::latency {

size_t min_rows_to_train() { return kMinTrainingRows * 10 / 8 + 2; }

TestedPredictor train_and_test(const std::string& kind, const PredictorData& data,
                               const TrainOptions& options) {
  HAT_CHECK(data.rows.size() >= min_rows_to_train(), data.source, ": ", data.rows.size(),
            " rows; training needs at least ", min_rows_to_train(), " (80/10/10 split, ",
            kMinTrainingRows, " training rows)");
  const DataSplit split = split_rows(data.rows.size(), options.seed);
  TestedPredictor out;
  out.predictor = train_predictor(kind, data, split.train, split.valid, options);
  out.train_rows = split.train.size();
  std::vector<double> measured;
  for (size_t i : split.test) measured.push_back(data.rows[i].total_ms());
  out.test = compute_metrics(predict_totals(out.predictor, data, split.test), measured);
  return out;
}

}  // namespace hat::latency
