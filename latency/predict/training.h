// Training predictors of each kind, the kinds registry, and the rule that flags measurement
// outliers (rows a robust operator fit says cannot be a timing of that architecture).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "latency/predict/training_rows.h"
#include "latency/predict/predictor.h"

namespace hat::latency {

struct PredictorKind {
  std::string name;
  std::string description;
};
// mlp, ops, hybrid; the default kind is the one that won on held-out data (README).
const std::vector<PredictorKind>& predictor_kinds();
inline constexpr const char* kDefaultKind = "hybrid";
// Throws hat::Error naming the known kinds unless `kind` is one.
void check_kind(const std::string& kind);

enum class LatencyEstimate { kTypical, kRelative, kMean };
// "typical", "relative", "mean"; throws hat::Error naming them otherwise.
LatencyEstimate parse_latency_estimate(const std::string& name);

struct TrainOptions {
  uint64_t seed = 0;
  std::string device;  // recorded in the predictor file
  // mlp: HAT's recipe. Targets are total ms / target_scale_ms (HAT's --lat-norm: 5000 rpi4, 300
  // xeon, 200 titanxp); 0 takes the largest training total.
  double target_scale_ms = 0;
  int mlp_steps = 5000;
  int mlp_batch = 128;
  double mlp_lr = 1e-5;
  // hybrid: the residual network and its training. Two hidden layers of 128: over 10 splits of
  // each of the four devices' data (hatpredict eval --splits 10) they beat mlp on all six
  // metrics in 24 of 40 splits, against 16 with 64 and 21 with 256 (README).
  std::vector<int> residual_hidden = {128, 128};
  // Nets in the residual's ensemble, each from its own seed; their outputs are averaged.
  int residual_members = 1;
  int residual_steps = 3000;
  double residual_lr = 1e-3;
  // Huber threshold of the residual's loss, in units of the residual's spread (0: squared error).
  double residual_huber = 0;
  // A row whose encoder or decoder latency is more than this factor away from the robust
  // operator fit is a measurement outlier: hybrid leaves it out of its residual's training (the
  // operator fit itself is Huber-weighted and keeps every row).
  double outlier_factor = 2.0;
  // What hybrid's point prediction estimates when some rows are measurement outliers (a timing
  // disturbed by something else on the device, not a property of the architecture):
  //   typical: the latency without them, what a deployment sees on a quiet device;
  //   mean: the expected measured latency, typical plus the outliers' expected share (what
  //     HAT's squared-error target estimates);
  //   relative (default): typical x c, with c minimising the training rows' mean squared error
  //     relative to the measured latency, sum((c t_i - y_i) / y_i)^2, least at
  //     c = sum(t_i / y_i) / sum((t_i / y_i)^2), where a row that is not an outlier counts as
  //     y_i = t_i (its scatter is noise the correction already centres). Between the two: with
  //     relative metrics and RMSE both judged on all rows, no single answer does better; without
  //     outliers c = 1.
  // predictor.h stores the answer as outlier_excess.
  LatencyEstimate estimate = LatencyEstimate::kRelative;
  std::function<void(const std::string&)> log;  // progress lines, optional
};

// Fits the operator model's coefficients to the given rows (both sides, shared coefficients,
// relative Huber loss, non-negative), with the data's kernel costs when it has them.
OpsModel fit_ops(const PredictorData& data, const std::vector<size_t>& rows);

// One flag per row of `data`: encoder or decoder latency outside [1/f, f] x the ops prediction.
std::vector<bool> flag_outliers(const PredictorData& data, const OpsModel& ops, double factor);

// Trains `kind` on rows `train` (and, for hybrid, selects its residual's best step on `valid`).
// Throws hat::Error for an unknown kind or fewer training rows than the kind needs (dataset.h).
LatencyPredictor train_predictor(const std::string& kind, const PredictorData& data,
                                 const std::vector<size_t>& train, const std::vector<size_t>& valid,
                                 const TrainOptions& options);

}  // namespace hat::latency
