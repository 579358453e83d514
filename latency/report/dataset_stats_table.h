// hatprofile stats: one line per device of a latency dataset (rows, architectures, total latency
// range, the encoder's and decoder's medians, and the noise within and between measurements).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "latency/dataset/stats.h"

namespace hat::latency {

// The dataset's path, the header, then each device's line (and its reference timings' line
// when it has any).
void print_dataset_stats(std::ostream& out, const std::string& path,
                         const std::vector<DeviceStats>& devices);

}  // namespace hat::latency
