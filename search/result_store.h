// Every candidate a search scored, in SQLite (candidates.sqlite in the output directory): its
// architecture, loss, iteration, origin (initial, mutation, crossover, random), parameters and
// predicted latency per device; and the best loss per iteration. One database holds several
// runs (the budgets of a Pareto sweep, or an evolution and its random baseline), told apart by
// `run`. Rows are written in transactions, so an interrupted search leaves a consistent file.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/evolution.h"

namespace hat::search {

struct CandidateFacts {
  int64_t parameters = 0;                    // without embeddings (HAT's count)
  int64_t parameters_with_embeddings = 0;
  std::map<std::string, double> latency_ms;  // device -> predicted ms
};

class SearchResultStore {
 public:
  explicit SearchResultStore(const std::filesystem::path& path);
  ~SearchResultStore();

  // Adds the candidates of `state` not yet stored for `run`, and its best loss per iteration.
  void record(const std::string& run, const SearchState& state, const GenomeSpace& space,
              const std::function<CandidateFacts(const ArchConfig&)>& facts);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hat::search
