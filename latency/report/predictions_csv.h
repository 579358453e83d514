// --predictions (hatpredict eval and transfer): every scored row's measured latencies and each
// kind's predictions, as a CSV for plotting.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "latency/predict/evaluation.h"

namespace hat::latency {

// One line per row of `rows`: its index in the data, measured encoder, decoder and total (ms,
// 4 decimals), whether it is an outlier (1/0), then per kind its predicted total, encoder and
// decoder (the last two empty for a kind without the split).
std::string format_predictions_csv(const PredictorData& data, const std::vector<size_t>& rows,
                                   const std::vector<bool>& outlier,
                                   const std::vector<KindEvaluation>& kinds);

// Writes format_predictions_csv to `file` atomically and says so on `out`.
void write_predictions(std::ostream& out, const std::filesystem::path& file,
                       const PredictorData& data, const std::vector<size_t>& rows,
                       const std::vector<bool>& outlier, const std::vector<KindEvaluation>& kinds);

}  // namespace hat::latency
