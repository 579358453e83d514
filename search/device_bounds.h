// The devices a search is bounded on, each with its trained latency predictor, resolved
// before anything heavy is loaded so that an unknown device or a missing predictor fails at once.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "latency/device_profile.h"
#include "latency/predict/predictor.h"
#include "search/budgets.h"
#include "search/constraints.h"

namespace hat::search {

class DeviceBounds {
 public:
  // Names or aliases, as given (repeats allowed). Throws hat::Error for an unknown device
  // (listing the known ones) or a device without a predictor (saying how to train one).
  explicit DeviceBounds(const std::vector<std::string>& names);

  // The bound of `budget` for SubTransformers of `model`, predicted in its deployment setting.
  LatencyBound bound(const Budget& budget, const arch::ModelDims& dims) const;

 private:
  std::map<std::string, latency::DeviceProfile> profiles_;  // by the name given
  std::map<std::string, latency::LatencyPredictor> predictors_;
};

// Extra bounds besides latency; each optional.
struct SizeLimits {
  std::optional<int64_t> max_parameters;    // without embeddings, as HAT
  std::optional<int64_t> max_memory_bytes;  // estimated inference memory
};

// A run's constraints: one latency bound per budget (warning, through `warn`, about predictions
// the predictor's data do not cover, judged on the space's largest SubTransformer) and the size
// limits. Throws hat::Error with each bound's feasible range when no SubTransformer fits.
Constraints make_constraints(const DeviceBounds& devices, const model::SuperTransformer& model,
                             const arch::SearchSpace& space, const std::vector<Budget>& budgets,
                             const SizeLimits& limits,
                             const std::function<void(const std::string&)>& warn);

}  // namespace hat::search
