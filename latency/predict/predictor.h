// A trained latency predictor of one device: kind `mlp` (HAT's), `ops` (operator model) or
// `hybrid` (ops times a learned residual, the default). Prediction is a few microseconds or less,
// without allocation; the file format is in predictor_file.h.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "latency/predict/arch_summary.h"
#include "latency/predict/mlp.h"
#include "latency/predict/ops_terms.h"

namespace hat::latency {

struct LatencyPrediction {
  double encoder_ms = 0, decoder_ms = 0;  // valid when has_split
  double total_ms = 0;
  bool has_split = false;  // mlp predicts the total only
};

// ops: latency of a side = coefficients . ops_terms(side).
struct OpsModel {
  OpsTerms coefficients{};
  // The kernel costs of the machine its data came from, which price a decoder step (null: the
  // analytic terms alone; ops_terms.h).
  std::shared_ptr<const KernelCosts> kernels;
  OpsDecomposition terms(const ArchSummary& arch) const { return ops_terms(arch, kernels.get()); }
  double encoder_ms(const OpsDecomposition& d) const;
  double decoder_ms(const OpsDecomposition& d) const;
};

struct LatencyPredictor {
  std::string kind;    // "mlp", "ops", "hybrid"
  std::string device;  // the device the data came from ("" when trained from a bare file)
  std::string data;    // the data it was trained on (for the record)
  InferenceSetting setting;  // the setting of its training data
  HatFeatures feature_min{}, feature_max{};  // range of its training rows

  // mlp: total_ms = target_scale_ms x net(features / kHatFeatureScale).
  MlpWeights mlp;
  double target_scale_ms = 0;
  // ops and hybrid.
  OpsModel ops;
  // hybrid: side_ms = ops side_ms x exp(clamp(residual_scale[s] x r[s])), where r is the mean
  // of the residual nets' outputs net_k(features / scale): an ensemble of small nets that differ
  // in their initialisation and batches (training.h), averaged in log space.
  std::vector<MlpWeights> residual;
  std::array<double, 2> residual_scale{1, 1}, residual_min{0, 0}, residual_max{0, 0};
  // hybrid: side_ms is further x (1 + outlier_excess[s]), the step from the typical latency to
  // the estimate it was trained for (training.h, LatencyEstimate): 0 for the typical latency,
  // E[measured / typical] - 1 over the training rows for the mean, c - 1 on both sides for the
  // relative-error optimum.
  std::array<double, 2> outlier_excess{0, 0};

  LatencyPrediction predict(const ArchSummary& arch) const;
  // hybrid: the clamped log(measured / ops) per side (encoder, decoder) from features already
  // divided by kHatFeatureScale, before outlier_excess.
  std::array<double, 2> residual_log_ratio(const float* scaled_features) const;
  LatencyPrediction predict(const arch::ArchConfig& arch) const {
    return predict(summarize_arch(arch, setting));
  }
  // Why a prediction may be unreliable: features outside the training range, or a setting
  // (vocabulary, L, beam, qkv) that the kind cannot see and that differs from its data's.
  std::vector<std::string> warnings(const ArchSummary& arch) const;
};

}  // namespace hat::latency
