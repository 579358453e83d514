// Which backends this build has and what they see, for --help, logs and profiles.
#pragma once

#include <string>

namespace hat {

// True when the project was built with the CUDA backend (HAT_ENABLE_CUDA and a toolkit found).
bool cuda_built();
// GPUs the CUDA runtime sees; 0 without the CUDA backend or without a GPU.
int cuda_device_count();
// The oneDNN library the CPU backend runs on: its version ("2.6.3") and commit hash ("" when
// the library does not say), for logs, profiles and checkpoints.
std::string onednn_version();
std::string onednn_hash();
// "oneDNN 2.6.3 (OpenMP, 2 threads)" and, when built, "CUDA (1 GPU)".
std::string backend_summary();

}  // namespace hat
