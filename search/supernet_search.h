// hatsearch's work: the search for SubTransformers of a trained SuperTransformer, fitness its
// inherited-weight validation loss, under latency budgets on devices and size limits. Resolves
// the devices, loads the model and the validation split, prepares the output directory, checks
// how well the validation subset ranks architectures, runs the sweep (sweep.h) and writes
// result.json and plot.svg.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "devices/error.h"
#include "search/budgets.h"
#include "search/device_bounds.h"
#include "search/evolution.h"
#include "search/sweep.h"

namespace hat::search {

struct SupernetSearchOptions {
  std::filesystem::path checkpoint = "checkpoints/default";  // checkpoint or save directory
  std::filesystem::path data = "data/default";
  std::filesystem::path out;  // empty: runs/search/<the first run's budget label>
  bool resume = false;        // continue the search saved in `out`
  bool force = false;         // replace an existing `out`
  std::vector<std::string> devices;       // every device named, as given
  std::vector<std::vector<Budget>> runs;  // budget_runs
  SizeLimits limits;
  std::string algorithm = "evolution";  // or "random"
  EvolutionOptions evolution;
  int64_t valid_sentences = 300;  // the fitness's subset (0 = all)
  int64_t max_tokens = 4096;      // per scoring batch
  int rank_check = 10;            // architectures scored on the subset and on all (< 2: none)
};

// `out` exists and neither resume nor force was asked (the tools report it as a usage error).
struct OutputExists : Error {
  using Error::Error;
};

struct SupernetSearchSummary {
  std::filesystem::path out;
  bool plotted = false;  // plot.svg written (some run had a latency budget)
  double seconds = 0;    // the sweep's time
};

// `observer.print` also gets the model and subset-check lines; `warn` gets warnings (a damaged
// checkpoint skipped, predictions outside a predictor's data).
SupernetSearchSummary run_supernet_search(const SupernetSearchOptions& options,
                                          const SweepObserver& observer,
                                          const std::function<void(const std::string&)>& warn);

}  // namespace hat::search
