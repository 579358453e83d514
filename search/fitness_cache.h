// The one memo of fitness values, by architecture hash: an architecture is scored at most once
// however many searches ask for it (the runs of a budget sweep, the rank check before them, a
// search and its random baseline). The search asks for a whole population at once; the
// architectures the cache does not know go to the fitness in one call, each once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"

namespace hat::search {

// Scores architectures (lower is better), all at once so that the caller can spread them over
// threads; must be deterministic for the search to be.
using FitnessFn = std::function<std::vector<double>(const std::vector<arch::ArchConfig>&)>;

class FitnessCache {
 public:
  explicit FitnessCache(FitnessFn fitness);

  // Every architecture's fitness, in order.
  std::vector<double> operator()(const std::vector<arch::ArchConfig>& archs);
  // The same, for architectures whose arch_hash the caller has already computed.
  std::vector<double> score(const std::vector<arch::ArchConfig>& archs,
                            const std::vector<std::string>& hashes);

  // Records a value scored elsewhere (a resumed search's saved candidates); not an evaluation.
  void remember(const std::string& hash, double fitness);
  std::optional<double> find(const std::string& hash) const;

  // Architectures this cache sent to the fitness: distinct, and scored in this process.
  int64_t evaluations() const { return evaluations_; }

 private:
  FitnessFn fitness_;
  std::map<std::string, double> values_;
  int64_t evaluations_ = 0;
};

}  // namespace hat::search
