// The inference setting a prediction for a deployed model is made in: the target device's
// protocol (L, beam) with the model's own vocabulary and Q/K/V width. The search and the
// quickstart's report both predict in it, so their latencies agree.
#pragma once

#include "latency/device_profile.h"
#include "latency/predict/arch_summary.h"
#include "supernet/model/model_dims.h"

namespace hat::latency {

inline InferenceSetting deployment_setting(const DeviceProfile& device, const ModelDims& dims) {
  InferenceSetting s;
  s.vocab_size = dims.vocab_size;
  s.qkv_dim = dims.qkv_dim;
  s.source_length = device.source_length;
  s.beam = device.beam;
  return s;
}

}  // namespace hat::latency
