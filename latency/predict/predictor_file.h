// Predictor files: one small JSON document (MLP weights as base64 little-endian float32, so a
// file loads in milliseconds and round-trips bit for bit):
//   {"format": "hat-latency-predictor", "version": 1, "kind": "hybrid", "device": "rpi4",
//    "data": "...", "setting": {"vocab_size", "source_length", "beam", "qkv_dim"},
//    "feature_range": {"min": [10], "max": [10]},
//    "mlp": {"sizes": [...], "layers": [{"weight": B64, "bias": B64}...], "target_scale_ms"},
//    "ops": {"terms": [names], "coefficients": [...], "kernels": {kernel_costs.h's, optional}},
//    "residual": {"members": [{"sizes", "layers"}...], "scale": [2], "min": [2], "max": [2],
//                 "outlier_excess": [2]}}
// Only the parts the kind uses are written and required. A residual of one net written before
// the ensemble ("residual": {"sizes", "layers", ...}) still loads.
#pragma once

#include <filesystem>
#include <string>

#include "latency/device_profile.h"
#include "latency/predict/predictor.h"

namespace hat::latency {

inline constexpr const char* kPredictorFormat = "hat-latency-predictor";
inline constexpr int kPredictorVersion = 1;

std::string predictor_to_json(const LatencyPredictor& predictor);
// Throws hat::Error naming `source` and the field on anything malformed or inconsistent.
LatencyPredictor predictor_from_json(const std::string& text, const std::string& source);

// Atomic write (temporary file, fsync, rename).
void save_predictor(const std::filesystem::path& path, const LatencyPredictor& predictor);
// Reads and checks a file; with `expected_device` non-empty, a predictor trained for another
// device is an error.
LatencyPredictor load_predictor(const std::filesystem::path& path,
                                const std::string& expected_device = "");
// The trained predictor of `device` (its profile's predictor file). A missing file is an error
// that says how to train one (`hatpredict train --device NAME`), followed by `alternative` when
// the caller has another way (e.g. "or spread over parameters with --device none").
LatencyPredictor load_device_predictor(const DeviceProfile& device,
                                       const std::string& alternative = "");

}  // namespace hat::latency
