// Held-out accuracy of predictor kinds on one device's data: the metrics table (all test rows,
// and without the rows flagged as measurement outliers), extrapolation across the space, and
// transfer between inference settings.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "latency/predict/metrics.h"
#include "latency/predict/training.h"

namespace hat::latency {

struct KindEvaluation {
  std::string kind;
  PredictionMetrics all, clean;  // clean: without the outlier rows
  double train_seconds = 0;
  LatencyPredictor predictor;  // as trained for this evaluation
};

struct Evaluation {
  size_t train_rows = 0, valid_rows = 0, test_rows = 0;
  size_t outliers = 0, test_outliers = 0;  // flagged over the whole file / in the test split
  std::vector<size_t> test;                // the test rows (indices into the data)
  std::vector<bool> outlier;               // per row of the data
  std::vector<KindEvaluation> kinds;
};

// Indices of every row of `data`: 0, 1, ..., size - 1.
std::vector<size_t> every_row(const PredictorData& data);

// Predicted totals of `predictor` on `rows`.
std::vector<double> predict_totals(const LatencyPredictor& predictor, const PredictorData& data,
                                   const std::vector<size_t>& rows);

// Splits with options.seed (80/10/10), trains every kind on the training rows, scores each on the
// test rows. Outliers are flagged with an operator fit on the training rows (training.h).
Evaluation evaluate_kinds(const PredictorData& data, const std::vector<std::string>& kinds,
                          const TrainOptions& options);

// evaluate_kinds with `splits` seeds, options.seed first, then options.seed + 1, ... (the
// split and the training seed both change). `progress` hears of each split done.
std::vector<Evaluation> evaluate_kinds_over_splits(
    const PredictorData& data, const std::vector<std::string>& kinds, const TrainOptions& options,
    int splits, const std::function<void(int done, int splits)>& progress = {});

// One kind over several splits, on one set of test rows (all, or without outliers): its mean
// metrics and, against the baseline kind, on how many splits each metric was better or tied
// (the rest were worse), and on how many it was better on all six (counts are 0 when the
// baseline is not among the kinds).
struct SplitsSummary {
  PredictionMetrics mean;
  std::array<int, kComparedMetrics> better{}, tied{};
  int better_on_all_metrics = 0;
};

struct KindOverSplits {
  std::string kind;
  SplitsSummary all, clean;  // clean: without the outlier rows
};

// The kinds of evaluations made on the same data with different splits, in their order.
// Throws hat::Error when given none or evaluations of different kinds.
std::vector<KindOverSplits> summarize_splits(const std::vector<Evaluation>& evaluations,
                                             const std::string& baseline);

struct ExtrapolationCase {
  std::string name;        // "embed 640 -> 512", "decoder layers 1-3 -> 4-6"
  size_t train_rows = 0, test_rows = 0, test_outliers = 0;
  std::vector<KindEvaluation> kinds;
};

// Trained only on rows with both embed dims 640, predicting rows with both 512; trained only on
// decoder layers 1-3, predicting 4-6. Each kind trains on 90% of its side (10% validation).
std::vector<ExtrapolationCase> evaluate_extrapolation(const PredictorData& data,
                                                      const std::vector<std::string>& kinds,
                                                      const TrainOptions& options);

// The rows of a transfer's target flagged as measurement outliers, by an operator fit to the
// target itself (for reporting: the "without outliers" metrics; nothing trains on it).
std::vector<bool> transfer_target_outliers(const PredictorData& to, const TrainOptions& options);

// Trains on every row of `from` and scores on every row of `to`, whose setting may differ.
KindEvaluation evaluate_transfer(const std::string& kind, const PredictorData& from,
                                 const PredictorData& to, const TrainOptions& options);

}  // namespace hat::latency
