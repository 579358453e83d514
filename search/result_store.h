// Every candidate a search scored, in SQLite (candidates.sqlite in the output directory): its
// architecture, loss, iteration, origin (initial, mutation, crossover, random), parameters and
// predicted latency per device; and the best loss per iteration. One database holds several
// runs (the budgets of a Pareto sweep, or an evolution and its random baseline), told apart by
// `run`. Rows are written in transactions, so an interrupted search leaves a consistent file.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "search/constraints.h"
#include "search/evolution.h"

namespace hat::search {

// One row of the candidates table, read back.
struct StoredCandidate {
  std::string hash;
  int iteration = 0;
  Origin origin = Origin::initial;
  double loss = 0;
  CandidateFacts facts;
  arch::ArchConfig arch;
};

class SearchResultStore {
 public:
  explicit SearchResultStore(const std::filesystem::path& path);
  ~SearchResultStore();

  // Adds the candidates of `state` not yet stored for `run`, and its best loss per iteration.
  void record(const std::string& run, const SearchState& state, const GenomeSpace& space,
              const std::function<CandidateFacts(const arch::ArchConfig&)>& facts);

  // What was recorded for `run`: its candidates in the order first recorded, and the best loss
  // after each iteration.
  std::vector<StoredCandidate> candidates(const std::string& run) const;
  std::vector<double> best_per_iteration(const std::string& run) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hat::search
