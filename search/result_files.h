// The files a search leaves in its output directory besides its states and candidates.sqlite:
// each run's winner (best.yml in our keys, best.hat.yml in HAT's), result.json (one record per
// run, see run_json) and plot.svg (loss against predicted latency).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/sweep.h"

namespace hat::search {

// PREFIX.yml and PREFIX.hat.yml in `out`, each replaced atomically.
void write_best_architecture(const std::filesystem::path& out, const std::string& prefix,
                             const arch::ArchConfig& arch);

// A run's record in result.json: its budgets, the winner (loss, hash, parameters, predicted
// latencies, architecture) and how the search got there.
nlohmann::json run_json(const RunResult& run);

// plot.svg: every run's scored candidates, the Pareto front, the winners and the budgets, on
// the first run's first device. Writes nothing and returns false when no run had a budget.
bool write_plot(const std::filesystem::path& out, const std::vector<RunResult>& runs);

}  // namespace hat::search
