// hatpredict train: HAT's recipe for one predictor. The rows are split 80/10/10 with the
// options' seed; the kind trains on the training rows (validating on the next 10%) and is scored
// on the test rows.
#pragma once

#include <string>

#include "latency/predict/metrics.h"
#include "latency/predict/training.h"

namespace hat::latency {

struct TestedPredictor {
  LatencyPredictor predictor;
  size_t train_rows = 0;
  PredictionMetrics test;  // on the test split
};

// The fewest rows train_and_test accepts: kMinTrainingRows after the 80% cut, and a test row.
size_t min_rows_to_train();

// Throws hat::Error naming data.source when it has fewer than min_rows_to_train() rows.
TestedPredictor train_and_test(const std::string& kind, const PredictorData& data,
                               const TrainOptions& options);

}  // namespace hat::latency
