// Target-device profiles (docs/latency.md): small YAML files under devices/profiles/, one per
// device (rpi4, xeon, titanxp, host), that say what the device is, how its latency data were
// measured and where its data and predictor live. `--device NAME` resolves through them.
//
// The profiles directory is devices/profiles of the data root (util/data_dirs.h); the environment
// variable HAT_DEVICE_PROFILES (a directory) overrides it. Relative paths inside a profile are
// relative to the profile file's own directory, so a profiles directory can be moved with its data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hat::latency {

// How a device's latency data are stored.
enum class LatencyDataFormat {
  hat_csv,  // HAT's CSV (features and latencies only), as the shipped rpi4/xeon/titanxp files
  sqlite,   // our SQLite latency dataset (latency/dataset/), as written by hatprofile
};

struct DeviceProfile {
  std::string name;                  // canonical name: "rpi4"
  std::vector<std::string> aliases;  // other accepted names: {"raspberrypi"}
  std::string hardware;              // free text: "Raspberry Pi 4 Model B, ARM Cortex-A72 ..."
  std::string backend;               // what ran the model: "cpu", "cuda", "pytorch-cpu", ...
  int threads = 0;                   // 0: all the machine's cores

  // The protocol the data were measured with (latency/measure/protocol.h): L source tokens and
  // decoder steps, beam width.
  int64_t source_length = 30;
  int64_t beam = 5;
  // Model dimensions the data were measured with that the architecture does not carry.
  int64_t vocabulary_size = 0;
  int64_t qkv_dim = 512;

  // HAT's predictor divides latencies by this (ms) before regressing
  // (latency_predictor.py's --lat-norm): 5000 rpi4, 300 xeon, 200 titanxp.
  double predictor_scale_ms = 0;

  LatencyDataFormat data_format = LatencyDataFormat::hat_csv;
  std::filesystem::path data_file;       // absolute (resolved against the profile's directory)
  std::filesystem::path predictor_file;  // absolute; may not exist yet (written by hatpredict)
  // Optional (empty: none): the device's kernel benchmarks (hatpredict kernels), absolute; may not
  // exist yet. When it exists, hatpredict prices decoder steps with it unless told otherwise.
  std::filesystem::path kernels_file;

  std::filesystem::path profile_file;    // the file this profile was read from

  // True when `name_or_alias` names this device (case-insensitive).
  bool matches(const std::string& name_or_alias) const;
};

// The directory profiles are read from: $HAT_DEVICE_PROFILES if set and non-empty, else
// devices/profiles of the data root (util::data_path).
std::filesystem::path device_profiles_directory();

// Reads one profile file. Throws hat::Error naming the file and field on a missing or bad field.
DeviceProfile load_device_profile(const std::filesystem::path& file);

// Every *.yml profile in device_profiles_directory(), sorted by name. Throws on a bad file or on
// two profiles claiming the same name or alias.
std::vector<DeviceProfile> known_devices();

// The profile whose name or alias is `name_or_alias` (case-insensitive). A path to a .yml file
// that exists is loaded as it is (a board's own profile). Unknown name -> hat::Error listing the
// known names and aliases.
DeviceProfile resolve_device(const std::string& name_or_alias);

}  // namespace hat::latency
