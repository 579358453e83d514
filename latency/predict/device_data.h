// A device's training data and setting, through its profile (latency/device_profile.h): HAT's CSV
// or our SQLite dataset.
#pragma once

#include <filesystem>

#include "latency/device_profile.h"
#include "latency/predict/training_rows.h"

namespace hat::latency {

// Vocabulary, L, beam and qkv of the profile.
InferenceSetting device_setting(const DeviceProfile& profile);

// The profile's data file, read whole. Throws hat::Error naming the file when it is missing or
// malformed, or holds no rows for the device.
PredictorData load_device_data(const DeviceProfile& profile);

// A HAT CSV file at a given setting (`--data FILE.csv`).
PredictorData load_csv_data(const std::filesystem::path& file, const InferenceSetting& setting);

// `--data FILE`: our SQLite latency dataset (hatprofile's; every device's rows, each at the
// setting it recorded, and the data's setting theirs when they share one) or else a HAT CSV at
// `setting`. Told apart by the file's first bytes, not its name.
PredictorData load_data_file(const std::filesystem::path& file, const InferenceSetting& setting);

}  // namespace hat::latency
