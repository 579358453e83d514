// The runs of one search, one after another (the budgets of a sweep, or one joint or
// unconstrained run), sharing one fitness cache. Each run: an evolutionary (or random) search
// under its constraints, resumed from its saved state when asked, its state saved and its
// candidates recorded in candidates.sqlite after every iteration, and its winner written as
// best.yml and best.hat.yml (best-LABEL.* when there are several runs).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "search/budgets.h"
#include "search/constraints.h"
#include "search/evolution.h"
#include "search/fitness_cache.h"
#include "search/state_file.h"
#include "search/svg_plot.h"

namespace hat::search {

// The constraints of one run: a latency bound per budget, in their order, and any other bound.
// Called as the run starts, so that a run's warnings and an infeasible budget come in turn.
using ConstraintsFor = std::function<Constraints(const std::vector<Budget>&)>;

struct SweepSettings {
  SearchIdentity identity;  // algorithm ("evolution" or "random"), seed, space
  EvolutionOptions evolution;  // random search scores iterations x population architectures
  std::filesystem::path out;   // an existing directory
  bool resume = false;         // continue from the runs' saved states
};

// What the sweep tells its caller as it goes; any may be empty.
struct SweepObserver {
  // Once, as the sweep starts: from then on an interruption can wait for a saved state (a tool
  // installs its Ctrl-C handler here; before, Ctrl-C ends loading at once).
  std::function<void()> started;
  std::function<void(const std::string&)> print;   // results: each run's winner
  std::function<void(const std::string&)> status;  // progress notes ("resuming ...")
  // After each iteration: the run, its state, and the seconds since the sweep started.
  std::function<void(const std::string& label, const SearchState&, double seconds)> iteration_done;
  // Asked after each iteration, once its state is saved: true stops the sweep with a hat::Error
  // that says how to resume.
  std::function<bool()> stop_requested;
};

struct RunResult {
  std::vector<Budget> budgets;
  std::string label;  // budget_label(budgets)
  SearchState state;
  arch::ArchConfig best;
  CandidateFacts best_facts;
  // For the plot, on the first budget's device (empty, and no winner, without a budget): every
  // scored candidate's predicted latency and loss, and the winner's.
  std::string plot_device;
  std::vector<PlotPoint> plot_points;
  std::optional<PlotPoint> plot_winner;
};

std::vector<RunResult> run_sweep(const GenomeSpace& genomes,
                                 const std::vector<std::vector<Budget>>& runs,
                                 const ConstraintsFor& constraints_for,
                                 const std::shared_ptr<FitnessCache>& fitness,
                                 const SweepSettings& settings, const SweepObserver& observer);

}  // namespace hat::search
