#include "latency/report/transfer_table.h"

#include <cmath>

#include "latency/predict/ops_terms.h"
#include "latency/predict/transfer_report.h"
#include "latency/report/format.h"

namespace hat::latency {

void print_transfer_settings(std::ostream& out, const PredictorData& from,
                             const PredictorData& to) {
  out << format(
      "transfer %s (vocab %lld, L %lld, beam %lld) -> %s (vocab %lld, L %lld, beam %lld)\n",
      from.source.c_str(), static_cast<long long>(from.setting.vocab_size),
      static_cast<long long>(from.setting.source_length), static_cast<long long>(from.setting.beam),
      to.source.c_str(), static_cast<long long>(to.setting.vocab_size),
      static_cast<long long>(to.setting.source_length), static_cast<long long>(to.setting.beam));
}

void print_transfer_report(std::ostream& out, const PredictorData& from, const PredictorData& to,
                           const std::vector<KindEvaluation>& kinds, uint64_t seed) {
  const std::vector<size_t> rows = every_row(to);
  for (const KindEvaluation& k : kinds) {
    const SideLean lean = median_side_lean(k.predictor, to, rows);
    if (std::isnan(lean.encoder) || std::isnan(lean.decoder)) continue;
    out << format(
        " %s lean at the other setting (median predicted / measured): encoder %.3f, "
        "decoder %.3f\n",
        k.kind.c_str(), lean.encoder, lean.decoder);
  }
  if (from.kernels) {
    const auto scale = [](const PredictorData& d) {
      return fit_ops(d, every_row(d)).coefficients[kOpsKernelBenchmark];
    };
    out << format(
        " kernel scale %.3f fitted here, %.3f fitted on the other setting's rows (the "
        "benchmarks' decoder-step prices x the scale fit the rows)\n",
        scale(from), scale(to));
  }
  constexpr int kFolds = 5;
  if (to.rows.size() >= ops_cross_validation_min_rows(kFolds)) {
    const PredictionMetrics floor = ops_cross_validation(to, kFolds, seed);
    out << format(
        " floor: ops cross-validated within the other setting's rows (%d folds): "
        "MAPE %.2f%%\n",
        kFolds, 100 * floor.mape);
  }
}

}  // namespace hat::latency
