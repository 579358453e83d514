#include "search/sweep.h"

#include <chrono>
#include <sstream>

#include "devices/error.h"
#include "search/result_files.h"
#include "search/result_store.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::search {
namespace {

void notify(const std::function<void(const std::string&)>& to, const std::string& text) {
  if (to) to(text);
}

std::string winner_line(const std::string& label, const Candidate& best,
                        const arch::ArchConfig& arch, const CandidateFacts& f) {
  std::ostringstream s;
  s << "winner for " << label << ": loss " << best.fitness << " bits, " << f.parameters / 1e6
    << " M parameters (" << f.parameters_with_embeddings / 1e6 << " M with embeddings)";
  for (const auto& [device, ms] : f.latency_ms) s << ", " << device << " " << ms << " ms";
  s << "\n  " << arch::arch_summary(arch);
  return s.str();
}

// What every run of a sweep shares.
struct SweepContext {
  const GenomeSpace& genomes;
  const std::shared_ptr<FitnessCache>& fitness;
  SearchResultStore& store;
  const SweepSettings& settings;
  const SweepObserver& observer;
  bool several;  // more than one run: files and states are named after the run
  std::function<double()> elapsed;
};

RunResult run_one(const SweepContext& sweep, const std::vector<Budget>& budgets,
                  const Constraints& constraints) {
  const GenomeSpace& genomes = sweep.genomes;
  const SweepSettings& settings = sweep.settings;
  const SweepObserver& observer = sweep.observer;
  RunResult result;
  result.budgets = budgets;
  result.label = budget_label(budgets);
  const std::string& label = result.label;
  const auto facts = [&](const arch::ArchConfig& a) { return constraints.facts(a); };
  EvolutionarySearch engine(genomes, settings.evolution, sweep.fitness,
                            [&](const arch::ArchConfig& a) { return constraints.satisfied(a); });
  const std::filesystem::path state_file =
      settings.out / (sweep.several ? "state-" + label + ".json" : std::string("state.json"));
  std::optional<SearchState> saved;
  if (settings.resume) {
    saved = load_search_state(state_file, settings.identity);
    if (saved) notify(observer.status, str("resuming ", label, " after iteration ", saved->completed_iterations));
  }
  const auto on_iteration = [&](const SearchState& s) {
    save_search_state(state_file, settings.identity, s);
    sweep.store.record(label, s, genomes, facts);
    if (observer.iteration_done) observer.iteration_done(label, s, sweep.elapsed());
    if (observer.stop_requested && observer.stop_requested())
      throw Error(str("stopped; continue with --resume (state saved in ", state_file.string(), ")"));
  };
  if (settings.identity.algorithm == "evolution") {
    result.state = engine.run(saved, on_iteration);
  } else {
    // Random search does not continue a partial state: it starts over unless it had finished.
    const int64_t evaluations =
        static_cast<int64_t>(settings.evolution.iterations) * settings.evolution.population();
    result.state = saved && saved->scored.size() >= static_cast<size_t>(evaluations)
                       ? *saved
                       : engine.run_random(evaluations, on_iteration);
  }
  const Candidate& best = *result.state.best();
  result.best = genomes.decode(best.genome);
  result.best_facts = constraints.facts(result.best);
  write_best_architecture(settings.out, sweep.several ? "best-" + label : "best", result.best);
  notify(observer.print, winner_line(label, best, result.best, result.best_facts));
  if (!constraints.latency().empty()) {
    const LatencyBound& first = constraints.latency().front();
    result.plot_device = first.device.name;
    for (const Candidate& c : result.state.scored)
      result.plot_points.push_back({first.predict_ms(genomes.decode(c.genome)), c.fitness});
    result.plot_winner = PlotPoint{result.best_facts.latency_ms.at(first.device.name), best.fitness};
  }
  return result;
}

}  // namespace

std::vector<RunResult> run_sweep(const GenomeSpace& genomes,
                                 const std::vector<std::vector<Budget>>& runs,
                                 const ConstraintsFor& constraints_for,
                                 const std::shared_ptr<FitnessCache>& fitness,
                                 const SweepSettings& settings, const SweepObserver& observer) {
  HAT_CHECK(settings.identity.algorithm == "evolution" || settings.identity.algorithm == "random",
            "search: the algorithm must be evolution or random, got '", settings.identity.algorithm, "'");
  if (observer.started) observer.started();
  SearchResultStore store(settings.out / "candidates.sqlite");
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const SweepContext sweep{genomes, fitness, store, settings, observer, runs.size() > 1, elapsed};
  std::vector<RunResult> results;
  for (const std::vector<Budget>& budgets : runs)
    results.push_back(run_one(sweep, budgets, constraints_for(budgets)));
  return results;
}

}  // namespace hat::search
