#include "search/budgets.h"

#include <sstream>

#include "devices/error.h"

namespace hat::search {

std::vector<std::vector<Budget>> budget_runs(const std::vector<std::string>& devices,
                                             const std::vector<std::string>& latencies,
                                             const std::function<double(const std::string&)>& to_ms) {
  const bool sweep = devices.size() == 1 && latencies.size() > 1;
  HAT_CHECK(sweep || devices.size() == latencies.size(),
            "give one --latency per --device, or one --device with several --latency values (a sweep)");
  std::vector<std::vector<Budget>> runs;
  if (sweep) {
    for (const std::string& l : latencies) runs.push_back({{devices[0], to_ms(l)}});
    return runs;
  }
  std::vector<Budget> joint;
  for (size_t i = 0; i < devices.size(); ++i) joint.push_back({devices[i], to_ms(latencies[i])});
  runs.push_back(joint);
  return runs;
}

std::string budget_label(const std::vector<Budget>& budgets) {
  std::ostringstream label;
  for (size_t i = 0; i < budgets.size(); ++i)
    label << (i ? "+" : "") << budgets[i].device << "@" << budgets[i].ms << "ms";
  return label.str();
}

}  // namespace hat::search
