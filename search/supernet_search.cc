#include "search/supernet_search.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "search/result_files.h"
#include "search/supernet_fitness.h"
#include "util/atomic_file.h"
#include "supernet/data/data_directory.h"
#include "supernet/translate/model_loader.h"

namespace hat::search {
namespace {

namespace fs = std::filesystem;

void prepare_output_directory(const fs::path& out, bool resume, bool force) {
  if (fs::exists(out) && !resume && !force)
    throw OutputExists(out.string() + " exists: pass --resume to continue it or --force to replace it");
  if (fs::exists(out) && force && !resume) fs::remove_all(out);
  fs::create_directories(out);
}

}  // namespace

SupernetSearchSummary run_supernet_search(const SupernetSearchOptions& options,
                                          const SweepObserver& observer,
                                          const std::function<void(const std::string&)>& warn) {
  const auto print = [&](const std::string& line) {
    if (observer.print) observer.print(line);
  };
  const DeviceBounds devices(options.devices);
  const data::DataDirectory data(options.data);
  translate::LoadedModel loaded = translate::load_model(options.checkpoint, data, warn);
  model::SuperTransformer& model = *loaded.model;
  const arch::SearchSpace& space = loaded.space.space;
  const GenomeSpace genomes(space);

  SupernetSearchSummary summary;
  summary.out = options.out.empty() ? fs::path("runs/search") / budget_label(options.runs.front())
                                    : options.out;
  const fs::path& out = summary.out;
  prepare_output_directory(out, options.resume, options.force);

  const double smoothing = loaded.trainer.contains("settings")
                               ? loaded.trainer["settings"].value("label_smoothing", 0.1) : 0.1;
  const data::TokenSplit valid = data.load_split("valid");
  const SupernetFitness subset(model, valid, options.valid_sentences, options.max_tokens, smoothing);
  const auto fitness = std::make_shared<FitnessCache>(
      [&](const std::vector<arch::ArchConfig>& archs) { return subset(archs); });
  print(str("SuperTransformer: ", loaded.checkpoint.string(), " (space ", space.name, ", update ",
            loaded.update, "); fitness: valid loss on ", subset.sentences(), " of ", valid.size(),
            " sentences"));

  std::optional<double> subset_tau;
  if (options.rank_check >= 2 && subset.sentences() < static_cast<int64_t>(valid.size()) &&
      !options.resume) {
    const SupernetFitness full(model, valid, 0, options.max_tokens, smoothing);
    subset_tau = subset_rank_agreement(*fitness, full, space, options.rank_check,
                                       options.evolution.seed);
    char line[256];
    std::snprintf(line, sizeof line,
                  "subset check: Kendall tau %.3f between the loss on %lld and on all %zu "
                  "validation sentences (%d architectures)",
                  *subset_tau, static_cast<long long>(subset.sentences()), valid.size(),
                  options.rank_check);
    print(line);
  }

  SweepSettings settings;
  settings.identity = {options.algorithm, options.evolution.seed, loaded.space.hash};
  settings.evolution = options.evolution;
  settings.out = out;
  settings.resume = options.resume;
  const auto constraints_for = [&](const std::vector<Budget>& budgets) {
    return make_constraints(devices, model, space, budgets, options.limits, warn);
  };
  const auto start = std::chrono::steady_clock::now();
  const std::vector<RunResult> runs =
      run_sweep(genomes, options.runs, constraints_for, fitness, settings, observer);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nlohmann::json records = nlohmann::json::array();
  for (const RunResult& run : runs) records.push_back(run_json(run));
  nlohmann::json result{{"runs", records}, {"algorithm", options.algorithm},
                        {"seed", options.evolution.seed}, {"checkpoint", loaded.checkpoint.string()},
                        {"space", space.name}, {"valid_sentences", subset.sentences()},
                        {"seconds", summary.seconds},
                        {"distinct_architectures_scored", fitness->evaluations()}};
  if (subset_tau) result["subset_kendall_tau"] = *subset_tau;
  util::write_file_atomically(out / "result.json", result.dump(2));
  summary.plotted = write_plot(out, runs);
  return summary;
}

}  // namespace hat::search
