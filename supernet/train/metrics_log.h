// metrics.csv: one row per logged interval and per validation, readable by any plotting tool
// (pandas.read_csv, gnuplot, a spreadsheet). Rows are appended and flushed as they come.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "supernet/train/trainer.h"

namespace hat::train {

class MetricsLog {
 public:
  // Opens (creating with a header) `path`. When resuming from update `resume_update`, rows of
  // later updates (written by the run that was killed after its last checkpoint) are dropped
  // first, atomically, so the file never holds an update twice.
  MetricsLog(std::filesystem::path path, int64_t resume_update);

  void write(const TrainProgress& p);
  void write(const ValidationRecord& v);

  static const char* header();

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace hat::train
