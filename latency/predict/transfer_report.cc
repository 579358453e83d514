#include "latency/predict/transfer_report.h"

#include "devices/error.h"
#include "latency/dataset/stats.h"

namespace hat::latency {

SideLean median_side_lean(const LatencyPredictor& predictor, const PredictorData& data,
                          const std::vector<size_t>& rows) {
  std::vector<double> encoder, decoder;
  for (size_t i : rows) {
    const PredictorRow& r = data.rows.at(i);
    const LatencyPrediction p = predictor.predict(r.arch);
    if (!p.has_split) return {};
    if (p.encoder_ms > 0 && r.encoder_ms > 0) encoder.push_back(p.encoder_ms / r.encoder_ms);
    if (p.decoder_ms > 0 && r.decoder_ms > 0) decoder.push_back(p.decoder_ms / r.decoder_ms);
  }
  SideLean lean;
  if (!encoder.empty()) lean.encoder = median(encoder);
  if (!decoder.empty()) lean.decoder = median(decoder);
  return lean;
}

size_t ops_cross_validation_min_rows(int folds) {
  const size_t k = static_cast<size_t>(folds);
  return (kMinOpsRows * k + k - 2) / (k - 1);
}

PredictionMetrics ops_cross_validation(const PredictorData& data, int folds, uint64_t seed) {
  HAT_CHECK(folds >= 2, "cross-validation needs at least 2 folds, not ", folds);
  const size_t n = data.rows.size(), k = static_cast<size_t>(folds);
  HAT_CHECK(n >= ops_cross_validation_min_rows(folds), "cross-validating the operator model in ",
            folds, " folds needs at least ", ops_cross_validation_min_rows(folds), " rows, ",
            data.source, " has ", n);
  const std::vector<size_t> order = shuffled_rows(n, seed);
  std::vector<double> predicted(n), measured(n);
  for (size_t fold = 0; fold < k; ++fold) {
    std::vector<size_t> train, test;
    for (size_t j = 0; j < n; ++j) (j % k == fold ? test : train).push_back(order[j]);
    const OpsModel ops = fit_ops(data, train);
    for (size_t i : test) {
      const OpsDecomposition d = ops.terms(data.rows[i].arch);
      predicted[i] = ops.encoder_ms(d) + ops.decoder_ms(d);
      measured[i] = data.rows[i].total_ms();
    }
  }
  return compute_metrics(predicted, measured);
}

}  // namespace hat::latency
