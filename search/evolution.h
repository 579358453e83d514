// HAT's evolutionary search (evo_search.py) and the random search it is compared with (HAT's
// Figure 9), over any fitness (lower is better) and any constraint.
//
// Each iteration scores the population (a cache by architecture hash means no architecture is
// ever scored twice), keeps the best `parents`, and fills the next population with `mutations`
// mutants of random parents and `crossovers` children of two random parents; the initial
// population and every child are rejection-sampled until the constraint holds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/fitness_cache.h"
#include "search/genome.h"

namespace hat::search {

struct EvolutionOptions {
  int iterations = 30;
  int parents = 25;
  int mutations = 50;
  int crossovers = 50;
  double mutation_probability = 0.3;
  uint64_t seed = 1;
  // Draws allowed for one feasible child before the constraint is declared too tight.
  int64_t max_draws = 100000;

  int population() const { return parents + mutations + crossovers; }
  void validate() const;  // throws hat::Error naming the bad option
};

enum class Origin { initial, mutation, crossover, random };
const char* origin_name(Origin origin);
Origin origin_from_name(const std::string& name);

// One scored architecture, in the order scored.
struct Candidate {
  Genome genome;
  std::string hash;  // arch_hash of the decoded architecture
  double fitness = 0;
  int iteration = 0;  // the iteration that first scored it (random search: its batch)
  Origin origin = Origin::initial;
};

using ConstraintFn = std::function<bool(const arch::ArchConfig&)>;

// Everything a search needs to continue: saved after each completed iteration, it makes a
// resumed search give the result of an uninterrupted one.
struct SearchState {
  int completed_iterations = 0;
  uint64_t rng = 0;
  std::vector<Genome> population;     // to be scored by the next iteration
  std::vector<Origin> origins;        // of the population's members
  std::vector<Candidate> scored;      // every architecture scored so far, in order
  std::vector<double> best_per_iteration;

  // The best candidate scored so far (the lowest fitness, the first one scored on ties).
  const Candidate* best() const;
  nlohmann::json to_json() const;
  static SearchState from_json(const nlohmann::json& json);
};

class EvolutionarySearch {
 public:
  // With a fitness cache of its own.
  EvolutionarySearch(const GenomeSpace& space, EvolutionOptions options, FitnessFn fitness,
                     ConstraintFn constraint);
  // With a cache shared with other searches (the runs of a budget sweep): an architecture
  // scored by one is not scored again by another, though each lists it among its own scored.
  EvolutionarySearch(const GenomeSpace& space, EvolutionOptions options,
                     std::shared_ptr<FitnessCache> fitness, ConstraintFn constraint);

  // Runs the remaining iterations from `state` (a fresh one when empty); after each completed
  // iteration calls `on_iteration(state)` (to save it, print progress, or stop by throwing).
  SearchState run(std::optional<SearchState> state = std::nullopt,
                  const std::function<void(const SearchState&)>& on_iteration = {});

  // Random search with the same number of fitness evaluations as `evaluations`: feasible
  // architectures drawn uniformly, distinct, scored in batches of the population size.
  SearchState run_random(int64_t evaluations,
                         const std::function<void(const SearchState&)>& on_batch = {});

 private:
  Genome feasible(const std::function<Genome()>& draw) const;
  // Every genome's fitness; those this run has not scored yet join state.scored (the cache
  // scores those it does not know in one call).
  std::vector<double> score(SearchState& state, const std::vector<Genome>& genomes,
                            const std::vector<Origin>& origins, int iteration);

  const GenomeSpace& space_;
  EvolutionOptions options_;
  std::shared_ptr<FitnessCache> fitness_;
  ConstraintFn constraint_;
  std::set<std::string> scored_;  // arch hashes in this run's state.scored
};

}  // namespace hat::search
