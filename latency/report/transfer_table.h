// hatpredict transfer's output: the two settings, each kind's metrics on the target, and what the
// transfer's error is made of (transfer_report.h: each kind's lean per side, the kernel scale
// each setting's own rows fit, and the target's floor).
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "latency/predict/evaluation.h"

namespace hat::latency {

// "transfer A (vocab V, L L, beam B) -> B (...)".
void print_transfer_settings(std::ostream& out, const PredictorData& from, const PredictorData& to);

// After the metrics table: the lean of each kind with the split, the kernel scales when `from`
// has kernel benchmarks, and the ops cross-validation floor when `to` has rows enough for it.
void print_transfer_report(std::ostream& out, const PredictorData& from, const PredictorData& to,
                           const std::vector<KindEvaluation>& kinds, uint64_t seed);

}  // namespace hat::latency
