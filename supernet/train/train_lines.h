// The lines hattrain shows while training: the progress line (a status line on a terminal, a
// log line elsewhere), one line per validation, and the run's closing line.
#pragma once

#include <filesystem>
#include <string>

#include "supernet/train/trainer.h"

namespace hat::train {

// "update 120/1000 epoch 2 | loss 7.123 bits | lr 0.000125 | 5230 tok/s | 1:05"; `elapsed` is
// the run's wall time as the caller shows durations.
std::string format_progress_line(const TrainProgress& progress, const std::string& elapsed);

// "valid largest  update 250: loss 6.100 bits, nll 5.900 bits (ARCHHASH)".
std::string format_validation_line(const ValidationRecord& validation);

// "1000 updates (max-update); last checkpoint DIR; metrics SAVE/metrics.csv".
std::string format_train_result(const TrainResult& result, const std::filesystem::path& save_dir);

}  // namespace hat::train
