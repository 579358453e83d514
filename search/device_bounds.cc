#include "search/device_bounds.h"

#include "devices/error.h"
#include "latency/predict/deployment_setting.h"
#include "latency/predict/predictor_file.h"

namespace hat::search {

DeviceBounds::DeviceBounds(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const latency::DeviceProfile p = latency::resolve_device(name);
    predictors_.emplace(name, latency::load_device_predictor(p));
    profiles_.emplace(name, p);
  }
}

LatencyBound DeviceBounds::bound(const Budget& budget, const arch::ModelDims& dims) const {
  const auto profile = profiles_.find(budget.device);
  HAT_CHECK(profile != profiles_.end(), "search: device '", budget.device, "' was not resolved");
  LatencyBound b;
  b.device = profile->second;
  b.predictor = predictors_.at(budget.device);
  b.setting = latency::deployment_setting(b.device, dims);
  b.budget_ms = budget.ms;
  return b;
}

Constraints make_constraints(const DeviceBounds& devices, const model::SuperTransformer& model,
                             const arch::SearchSpace& space, const std::vector<Budget>& budgets,
                             const SizeLimits& limits,
                             const std::function<void(const std::string&)>& warn) {
  Constraints c(model);
  for (const Budget& budget : budgets) {
    LatencyBound bound = devices.bound(budget, model.dims());
    for (const std::string& w : bound.predictor.warnings(
             latency::summarize_arch(arch::largest_arch(space), bound.setting)))
      if (warn) warn(str(bound.device.name, " predictor: ", w));
    c.add_latency(std::move(bound));
  }
  if (limits.max_parameters) c.set_max_parameters(*limits.max_parameters);
  if (limits.max_memory_bytes) c.set_max_memory_bytes(*limits.max_memory_bytes);
  c.check_feasible(space);
  return c;
}

}  // namespace hat::search
