// Latency budgets and how a search's --device/--latency pairs become runs: one device with
// several latencies is a sweep (one run per budget, HAT's Pareto mode); N devices with N
// latencies is one run bounded on every device at once (joint); no device is one run without a
// latency bound.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace hat::search {

struct Budget {
  std::string device;  // the name or alias given
  double ms = 0;
};

// The runs of a search, each a list of budgets that bound it together. `to_ms` turns one
// latency as written ("150ms") into milliseconds. Throws hat::Error when devices and latencies
// do not pair up.
std::vector<std::vector<Budget>> budget_runs(const std::vector<std::string>& devices,
                                             const std::vector<std::string>& latencies,
                                             const std::function<double(const std::string&)>& to_ms);

// "rpi4@150ms", joint budgets joined by '+': "rpi4@150ms+xeon@200ms"; "" for no budget. Names
// a run's files (best-LABEL.yml, state-LABEL.json) and its rows in candidates.sqlite.
std::string budget_label(const std::vector<Budget>& budgets);

}  // namespace hat::search
