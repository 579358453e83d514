// Which kernel benchmarks (hatpredict kernels) price the decoder steps of a data set's rows
// (--kernels): the files given, averaged, or else the device profile's own file when it exists
// and was measured on this machine's CPU model (a profile names a file of its own machine).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "latency/device_profile.h"
#include "latency/predict/training_rows.h"

namespace hat::latency {

// Sets data.kernels from `files` when given, else from `profile`'s kernels file (when there is a
// profile, the file exists and its CPU model is this machine's); says on `out` what it used or
// why the profile's file was not. Throws hat::Error naming a file that cannot be read.
void attach_kernels(std::ostream& out, PredictorData& data, const std::vector<std::string>& files,
                    const DeviceProfile* profile);

}  // namespace hat::latency
