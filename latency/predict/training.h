// Training predictors of each kind, the kinds registry, and the rule that flags measurement
// outliers (rows a robust operator fit says cannot be a timing of that architecture).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "latency/predict/dataset.h"
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

struct TrainOptions {
  uint64_t seed = 0;
  std::string device;  // recorded in the predictor file
  // mlp: HAT's recipe. Targets are total ms / target_scale_ms (HAT's --lat-norm: 5000 rpi4, 300
  // xeon, 200 titanxp); 0 takes the largest training total.
  double target_scale_ms = 0;
  int mlp_steps = 5000;
  int mlp_batch = 128;
  double mlp_lr = 1e-5;
  // hybrid: the residual network and its training.
  std::vector<int> residual_hidden = {64, 64};
  int residual_steps = 3000;
  double residual_lr = 1e-3;
  // Huber threshold of the residual's loss, in units of the residual's spread (0: squared error).
  double residual_huber = 0;
  // A row whose encoder or decoder latency is more than this factor away from the robust
  // operator fit is a measurement outlier: hybrid leaves it out of its residual's training (the
  // operator fit itself is Huber-weighted and keeps every row).
  double outlier_factor = 2.0;
  // false (default): hybrid predicts the typical latency, what a deployment sees. true: the
  // expected measured latency (what HAT's squared-error target estimates), the typical one plus
  // the outliers' expected share (predictor.h, outlier_excess).
  bool expected_latency = false;
  std::function<void(const std::string&)> log;  // progress lines, optional
};

// Fits the operator model's coefficients to the given rows (both sides, shared coefficients,
// relative Huber loss, non-negative).
OpsModel fit_ops(const PredictorData& data, const std::vector<size_t>& rows);

// One flag per row of `data`: encoder or decoder latency outside [1/f, f] x the ops prediction.
std::vector<bool> flag_outliers(const PredictorData& data, const OpsModel& ops, double factor);

// Trains `kind` on rows `train` (and, for hybrid, selects its residual's best step on `valid`).
// Throws hat::Error for an unknown kind or fewer training rows than the kind needs (dataset.h).
LatencyPredictor train_predictor(const std::string& kind, const PredictorData& data,
                                 const std::vector<size_t>& train, const std::vector<size_t>& valid,
                                 const TrainOptions& options);

}  // namespace hat::latency
