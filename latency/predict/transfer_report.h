// What a transfer's error is made of (hatpredict transfer): how far each side leans at the other
// setting, and how well the operator model can do on that setting's data at all.
//
// A transfer's MAPE mixes two things: the model's error in moving between settings (a lean: one
// side priced too high or too low on most rows) and the measurements' own noise, which no model
// fitted anywhere can go below. The lean is the median of predicted / measured per side; the
// floor is the operator model cross-validated within the target's own rows, so a transfer MAPE
// near its floor is the data's limit and one well above it is the model's.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "latency/predict/metrics.h"
#include "latency/predict/training.h"

namespace hat::latency {

// Median over `rows` of predicted / measured encoder and decoder latency (rows with a side not
// positive, measured or predicted, left out of that side); NaN for a kind without the split
// (mlp) or when no row is left.
struct SideLean {
  double encoder = std::nan(""), decoder = std::nan("");
};
SideLean median_side_lean(const LatencyPredictor& predictor, const PredictorData& data,
                          const std::vector<size_t>& rows);

// The fewest rows ops_cross_validation takes in `folds` folds (>= 2): ceil(folds x kMinOpsRows /
// (folds - 1)), so that each fit, on all but the largest fold, has kMinOpsRows.
size_t ops_cross_validation_min_rows(int folds);

// The operator model's k-fold cross-validation on every row of `data`: the rows shuffled with
// `seed` (shuffled_rows) and dealt into `folds` folds, each fold predicted by fit_ops on the
// others. Throws hat::Error with fewer than 2 folds or ops_cross_validation_min_rows rows.
PredictionMetrics ops_cross_validation(const PredictorData& data, int folds, uint64_t seed);

}  // namespace hat::latency
