#include "search/evolution.h"

#include <algorithm>
#include <numeric>

#include "devices/error.h"
#include "devices/random.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::search {

void EvolutionOptions::validate() const {
  HAT_CHECK(iterations >= 1, "search: iterations must be at least 1, got ", iterations);
  HAT_CHECK(parents >= 1, "search: parents must be at least 1, got ", parents);
  HAT_CHECK(mutations >= 0 && crossovers >= 0, "search: mutations and crossovers must not be "
            "negative, got ", mutations, " and ", crossovers);
  HAT_CHECK(mutation_probability >= 0 && mutation_probability <= 1,
            "search: mutation probability ", mutation_probability, " outside [0, 1]");
  HAT_CHECK(max_draws >= 1, "search: max draws must be at least 1, got ", max_draws);
}

const char* origin_name(Origin origin) {
  switch (origin) {
    case Origin::initial: return "initial";
    case Origin::mutation: return "mutation";
    case Origin::crossover: return "crossover";
    case Origin::random: return "random";
  }
  return "?";
}

Origin origin_from_name(const std::string& name) {
  for (Origin o : {Origin::initial, Origin::mutation, Origin::crossover, Origin::random})
    if (name == origin_name(o)) return o;
  throw Error(str("search state: unknown origin '", name, "'"));
}

const Candidate* SearchState::best() const {
  const Candidate* best = nullptr;
  for (const Candidate& c : scored)
    if (!best || c.fitness < best->fitness) best = &c;
  return best;
}

nlohmann::json SearchState::to_json() const {
  nlohmann::json j;
  j["completed_iterations"] = completed_iterations;
  j["rng"] = rng;
  j["population"] = population;
  std::vector<std::string> names;
  for (Origin o : origins) names.push_back(origin_name(o));
  j["origins"] = names;
  j["best_per_iteration"] = best_per_iteration;
  nlohmann::json scored_json = nlohmann::json::array();
  for (const Candidate& c : scored)
    scored_json.push_back({{"genome", c.genome}, {"hash", c.hash}, {"fitness", c.fitness},
                           {"iteration", c.iteration}, {"origin", origin_name(c.origin)}});
  j["scored"] = scored_json;
  return j;
}

SearchState SearchState::from_json(const nlohmann::json& j) {
  try {
    SearchState s;
    s.completed_iterations = j.at("completed_iterations").get<int>();
    s.rng = j.at("rng").get<uint64_t>();
    s.population = j.at("population").get<std::vector<Genome>>();
    for (const auto& name : j.at("origins")) s.origins.push_back(origin_from_name(name.get<std::string>()));
    s.best_per_iteration = j.at("best_per_iteration").get<std::vector<double>>();
    for (const auto& c : j.at("scored"))
      s.scored.push_back({c.at("genome").get<Genome>(), c.at("hash").get<std::string>(),
                          c.at("fitness").get<double>(), c.at("iteration").get<int>(),
                          origin_from_name(c.at("origin").get<std::string>())});
    HAT_CHECK(s.origins.size() == s.population.size(), "search state: ", s.origins.size(),
              " origins for ", s.population.size(), " population members");
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(str("search state: ", e.what()));
  }
}

EvolutionarySearch::EvolutionarySearch(const GenomeSpace& space, EvolutionOptions options,
                                       FitnessFn fitness, ConstraintFn constraint)
    : EvolutionarySearch(space, options, std::make_shared<FitnessCache>(std::move(fitness)),
                         std::move(constraint)) {}

EvolutionarySearch::EvolutionarySearch(const GenomeSpace& space, EvolutionOptions options,
                                       std::shared_ptr<FitnessCache> fitness,
                                       ConstraintFn constraint)
    : space_(space), options_(options), fitness_(std::move(fitness)),
      constraint_(std::move(constraint)) {
  options_.validate();
  HAT_CHECK(fitness_ != nullptr, "search: no fitness function");
}

Genome EvolutionarySearch::feasible(const std::function<Genome()>& draw) const {
  for (int64_t n = 0; n < options_.max_draws; ++n) {
    Genome g = draw();
    if (!constraint_ || constraint_(space_.decode(g))) return g;
  }
  throw Error(str("search: no architecture met the constraints in ", options_.max_draws,
                  " draws; loosen them (the feasible range is printed by the search tool)"));
}

std::vector<double> EvolutionarySearch::score(SearchState& state, const std::vector<Genome>& genomes,
                                              const std::vector<Origin>& origins, int iteration) {
  std::vector<arch::ArchConfig> archs;
  std::vector<std::string> hashes;
  for (const Genome& g : genomes) {
    archs.push_back(space_.decode(g));
    hashes.push_back(arch::arch_hash(archs.back()));
  }
  const std::vector<double> values = fitness_->score(archs, hashes);
  for (size_t i = 0; i < genomes.size(); ++i)
    if (scored_.insert(hashes[i]).second)
      state.scored.push_back({genomes[i], hashes[i], values[i], iteration, origins[i]});
  return values;
}

SearchState EvolutionarySearch::run(std::optional<SearchState> resumed,
                                    const std::function<void(const SearchState&)>& on_iteration) {
  SearchState state;
  scored_.clear();
  if (resumed) {
    state = std::move(*resumed);
    for (const Candidate& c : state.scored) {
      scored_.insert(c.hash);
      fitness_->remember(c.hash, c.fitness);
    }
  } else {
    state.rng = mix64(options_.seed);
    for (int i = 0; i < options_.population(); ++i) {
      state.population.push_back(feasible([&] { return space_.random(state.rng); }));
      state.origins.push_back(Origin::initial);
    }
  }
  const size_t P = static_cast<size_t>(options_.parents);
  for (int it = state.completed_iterations; it < options_.iterations; ++it) {
    const std::vector<double> fitness = score(state, state.population, state.origins, it);
    // Parents: the best, ties kept in population order (a stable sort).
    std::vector<size_t> order(state.population.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return fitness[a] < fitness[b]; });
    std::vector<Genome> parents;
    for (size_t k = 0; k < std::min(P, order.size()); ++k) parents.push_back(state.population[order[k]]);
    state.best_per_iteration.push_back(fitness[order.front()]);

    std::vector<Genome> next = parents;
    std::vector<Origin> origins(parents.size(), Origin::initial);
    for (size_t k = 0; k < parents.size(); ++k) origins[k] = state.origins[order[k]];
    const auto any_parent = [&]() -> const Genome& {
      return parents[uniform_index(state.rng, parents.size())];
    };
    for (int m = 0; m < options_.mutations; ++m) {
      next.push_back(feasible([&] {
        return mutate(space_, any_parent(), options_.mutation_probability, state.rng);
      }));
      origins.push_back(Origin::mutation);
    }
    for (int c = 0; c < options_.crossovers; ++c) {
      next.push_back(feasible([&] {
        const Genome& a = any_parent();
        return crossover(a, any_parent(), state.rng);
      }));
      origins.push_back(Origin::crossover);
    }
    state.population = std::move(next);
    state.origins = std::move(origins);
    state.completed_iterations = it + 1;
    if (on_iteration) on_iteration(state);
  }
  return state;
}

SearchState EvolutionarySearch::run_random(int64_t evaluations,
                                           const std::function<void(const SearchState&)>& on_batch) {
  HAT_CHECK(evaluations >= 1, "random search: evaluations must be at least 1, got ", evaluations);
  SearchState state;
  scored_.clear();
  state.rng = mix64(options_.seed ^ 0x52414e444f4dull);  // a stream apart from evolution's
  const int64_t batch = options_.population();
  int batch_index = 0;
  while (static_cast<int64_t>(state.scored.size()) < evaluations) {
    std::vector<Genome> genomes;
    std::map<std::string, bool> drawn;
    const int64_t want = std::min<int64_t>(batch, evaluations - static_cast<int64_t>(state.scored.size()));
    int64_t draws = 0;
    while (static_cast<int64_t>(genomes.size()) < want) {
      HAT_CHECK(++draws <= options_.max_draws, "random search: no new feasible architecture in ",
                options_.max_draws, " draws (the space may hold fewer than ", evaluations, ")");
      Genome g = feasible([&] { return space_.random(state.rng); });
      const std::string h = arch::arch_hash(space_.decode(g));
      if (scored_.count(h) || drawn.count(h)) continue;
      drawn[h] = true;
      genomes.push_back(std::move(g));
    }
    const std::vector<double> fitness =
        score(state, genomes, std::vector<Origin>(genomes.size(), Origin::random), batch_index++);
    const double batch_best = *std::min_element(fitness.begin(), fitness.end());
    state.best_per_iteration.push_back(
        state.best_per_iteration.empty() ? batch_best : std::min(batch_best, state.best_per_iteration.back()));
    state.completed_iterations = batch_index;
    if (on_batch) on_batch(state);
  }
  return state;
}

}  // namespace hat::search
