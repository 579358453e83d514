// Where the tools find the data they ship with: the search spaces (experiments/spaces), the device
// profiles (devices/profiles), HAT's published configurations (experiments/hat-configs) and HAT's
// latency measurements (experiments/hat-latency). These live under one root, laid out as in the
// source tree:
//   - $HAT_DATA_DIR when it is set and not empty (an installed tree's share/hat, or a checkout);
//   - otherwise <directory of the running executable>/../share/hat. `cmake --install` puts the
//     tools in PREFIX/bin and the data in PREFIX/share/hat, so an installed tree finds its own
//     data wherever it is moved; the build tree has build/share/hat, a link to the source tree
//     made when CMake configures (see the top-level CMakeLists.txt).
// No source path is compiled in. HAT_DEVICE_PROFILES still overrides the profiles directory alone
// (latency/device_profile.h).
#pragma once

#include <filesystem>

namespace hat::util {

// The environment variable that overrides the data root.
inline constexpr const char* kDataDirVariable = "HAT_DATA_DIR";

// The running program's own file (/proc/self/exe). Throws hat::Error when it cannot be read.
std::filesystem::path executable_path();

// The data root, canonical (symbolic links resolved, so the build tree's link gives the source
// tree's paths). Throws hat::Error saying where it looked and how to point at the data when
// $HAT_DATA_DIR is not a directory or there is no share/hat beside the executable.
std::filesystem::path data_root();

// data_root() / relative: data_path("experiments/spaces").
std::filesystem::path data_path(const std::filesystem::path& relative);

}  // namespace hat::util
