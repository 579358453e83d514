// hatpredict predict: what to predict (architecture files in the predictor's setting, model
// directories in their own vocabulary and Q/K/V width, either overridden from the command line)
// and the line printed for each.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "latency/device_profile.h"
#include "latency/predict/predictor.h"

namespace hat::latency {

struct PredictionQuery {
  std::string name;  // the file or directory, as given
  arch::ArchConfig arch;
  InferenceSetting setting;
};

// Settings given on the command line; each replaces the query's own.
struct SettingOverrides {
  std::optional<int64_t> vocab_size, qkv_dim, source_length, beam;
};

// Architecture files first, then model directories (hatexport's: their architecture, vocabulary
// and Q/K/V width), in the order given. Throws hat::Error naming a file that cannot be read.
std::vector<PredictionQuery> prediction_queries(const std::vector<std::string>& arch_files,
                                                const std::vector<std::string>& model_dirs,
                                                const InferenceSetting& predictor_setting,
                                                const SettingOverrides& overrides);

// "NAME: T ms (encoder E, decoder D) [kind, device]" (the split where the kind gives it) on
// `out`, and the predictor's warnings about the query (outside its training range) on `warnings`.
void print_prediction(std::ostream& out, std::ostream& warnings, const LatencyPredictor& predictor,
                      const PredictionQuery& query);

}  // namespace hat::latency
