// The inference setting a prediction for a deployed model is made in: the target device's
// protocol (L, beam) with the model's own vocabulary and Q/K/V width. The search and the
// quickstart's report both predict in it, so their latencies agree.
#pragma once

#include "latency/predict/device_data.h"
#include "supernet/arch/model_dims.h"

namespace hat::latency {

inline InferenceSetting deployment_setting(const DeviceProfile& device,
                                           const arch::ModelDims& dims) {
  InferenceSetting s = device_setting(device);  // the device's L and beam
  s.vocab_size = dims.vocab_size;
  s.qkv_dim = dims.qkv_dim;
  return s;
}

}  // namespace hat::latency
