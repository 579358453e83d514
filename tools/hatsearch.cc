// hatsearch: HAT's evolutionary search for the SubTransformer with the lowest validation loss
// (weights inherited from a trained SuperTransformer) whose predicted latency on the named
// device(s) fits the budget. A thin main: options, then search/ does the work.
#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "devices/random.h"
#include "devices/threads.h"
#include "latency/predict/deployment_setting.h"
#include "latency/predict/metrics.h"
#include "latency/predict/predictor_file.h"
#include "search/constraints.h"
#include "search/evolution.h"
#include "search/result_store.h"
#include "search/supernet_fitness.h"
#include "search/svg_plot.h"
#include "supernet/arch/arch_yaml.h"
#include "util/atomic_file.h"
#include "supernet/data/data_directory.h"
#include "supernet/translate/model_loader.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hatsearch --device NAME --latency DURATION [--device NAME --latency DURATION ...]\n"
    "                 [--checkpoint DIR] [--data DIR] [--out DIR] [options]\n\n"
    "Searches the SuperTransformer's space for the SubTransformer with the lowest validation\n"
    "loss (inherited weights, bits per token) whose predicted latency fits each budget, with\n"
    "HAT's evolutionary algorithm (or random search, the baseline). Several --device/--latency\n"
    "pairs constrain all at once; one --device with several --latency values sweeps the budgets\n"
    "(Pareto mode) sharing one fitness cache. Latencies need a unit: 150ms, 5s.\n"
    "Writes to --out: best.yml (ours), best.hat.yml (HAT's keys), result.json, candidates.sqlite\n"
    "(every scored candidate), plot.svg, and state*.json (--resume continues from the last\n"
    "completed iteration). Every option can also come from --config FILE (key = value lines).\n";

struct Budget {
  std::string device;
  double ms = 0;
};

// "150ms", "5s", "0.2s" -> ms; a bare number or a non-positive value is a usage error.
double parse_latency_ms(const std::string& text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.back())))
    throw cli::UsageError("--latency '" + text + "' needs a unit, as in 150ms or 5s");
  const double seconds = cli::parse_duration_seconds(text, "--latency");
  if (!(seconds > 0)) throw cli::UsageError("--latency '" + text + "' must be positive");
  return seconds * 1000;
}

std::string budget_label(const std::vector<Budget>& budgets) {
  std::string label;
  for (const Budget& b : budgets) {
    std::ostringstream s;
    s << b.device << "@" << b.ms << "ms";
    label += (label.empty() ? "" : "+") + s.str();
  }
  return label;
}

// A fitness shared by every run of one invocation: a candidate scored for one budget is never
// scored again for another.
struct SharedFitness {
  search::SupernetFitness& scorer;
  std::map<std::string, double> cache;
  std::vector<double> operator()(const std::vector<ArchConfig>& archs) {
    std::vector<double> out;
    for (const ArchConfig& a : archs) {
      const std::string h = arch_hash(a);
      auto it = cache.find(h);
      if (it == cache.end()) it = cache.emplace(h, scorer({a}).front()).first;
      out.push_back(it->second);
    }
    return out;
  }
};

int run(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()
      ("checkpoint", po::value<std::string>()->default_value("checkpoints/default"), "trained SuperTransformer (checkpoint or save directory)")
      ("data", po::value<std::string>()->default_value("data/default"), "data directory (validation split, vocabulary)")
      ("device", po::value<std::vector<std::string>>()->composing(), "device name or alias (devices/profiles: rpi4, xeon, titanxp, host); repeatable")
      ("latency", po::value<std::vector<std::string>>()->composing(), "latency budget with a unit; repeatable")
      ("max-params", po::value<int64_t>(), "at most this many parameters (without embeddings, as HAT)")
      ("max-memory-mb", po::value<double>(), "at most this estimated inference memory (MB)")
      ("algorithm", po::value<std::string>()->default_value("evolution"), "evolution or random")
      ("iterations", po::value<int>()->default_value(30), "evolution iterations")
      ("parents", po::value<int>()->default_value(25), "parents kept per iteration")
      ("mutations", po::value<int>()->default_value(50), "mutants per iteration")
      ("crossovers", po::value<int>()->default_value(50), "crossover children per iteration")
      ("mutation-prob", po::value<double>()->default_value(0.3, "0.3"), "probability of redrawing each gene")
      ("seed", po::value<uint64_t>()->default_value(1), "random seed")
      ("valid-sentences", po::value<int64_t>()->default_value(300), "validation sentences scored per candidate (0 = all)")
      ("rank-check", po::value<int>()->default_value(10), "architectures scored on the subset and on all sentences, to report their Kendall tau (0 = skip)")
      ("max-tokens", po::value<int64_t>()->default_value(4096), "tokens per scoring batch")
      ("threads", po::value<int>()->default_value(0), "threads (0 = all cores)")
      ("out", po::value<std::string>(), "output directory (default runs/search/<budgets>)")
      ("resume", po::bool_switch(), "continue the search saved in --out")
      ("force", po::bool_switch(), "replace an existing --out")
      ("config", po::value<std::string>(), "read options from FILE (key = value lines)")
      ("help,h", "show this help");
  auto parsed = cli::parse_options(argc, argv, options, kAbout);
  if (!parsed) return 0;
  po::variables_map& vm = *parsed;
  if (vm.count("config")) {
    const std::string file = vm["config"].as<std::string>();
    std::ifstream in(file);
    if (!in) throw cli::UsageError("--config: cannot read " + file);
    po::store(po::parse_config_file(in, options), vm);  // the command line wins
    po::notify(vm);
  }
  set_num_threads(vm["threads"].as<int>());

  // Budgets: one device and N latencies = a sweep; N devices and N latencies = joint.
  const auto devices = vm.count("device") ? vm["device"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const auto latencies = vm.count("latency") ? vm["latency"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (devices.empty() && latencies.empty() && !vm.count("max-params") && !vm.count("max-memory-mb"))
    throw cli::UsageError("give at least one constraint: --device NAME --latency 150ms, --max-params or --max-memory-mb");
  if (devices.size() != latencies.size() && devices.size() != 1)
    throw cli::UsageError("give one --latency per --device, or one --device with several --latency values (a sweep)");
  std::vector<std::vector<Budget>> runs;
  if (devices.size() == 1 && latencies.size() > 1) {
    for (const std::string& l : latencies) runs.push_back({{devices[0], parse_latency_ms(l)}});
  } else {
    std::vector<Budget> joint;
    for (size_t i = 0; i < devices.size(); ++i) joint.push_back({devices[i], parse_latency_ms(latencies.at(i))});
    runs.push_back(joint);
  }
  const std::string algorithm = vm["algorithm"].as<std::string>();
  if (algorithm != "evolution" && algorithm != "random")
    throw cli::UsageError("--algorithm must be evolution or random, got '" + algorithm + "'");
  search::EvolutionOptions evo;
  evo.iterations = vm["iterations"].as<int>();
  evo.parents = vm["parents"].as<int>();
  evo.mutations = vm["mutations"].as<int>();
  evo.crossovers = vm["crossovers"].as<int>();
  evo.mutation_probability = vm["mutation-prob"].as<double>();
  evo.seed = vm["seed"].as<uint64_t>();
  try {
    evo.validate();
  } catch (const Error& e) {
    throw cli::UsageError(e.what());
  }

  // Resolve devices and predictors before any heavy work.
  std::map<std::string, latency::DeviceProfile> profiles;
  std::map<std::string, latency::LatencyPredictor> predictors;
  for (const std::string& name : devices) {
    const latency::DeviceProfile p = latency::resolve_device(name);
    if (!fs::exists(p.predictor_file))
      throw Error(str("no latency predictor for device ", p.name, " at ", p.predictor_file.string(),
                      ": train it with `hatpredict train --device ", p.name, "`"));
    predictors.emplace(name, latency::load_predictor(p.predictor_file, p.name));
    profiles.emplace(name, p);
  }

  const data::DataDirectory data(vm["data"].as<std::string>());
  const auto warn = [](const std::string& m) { std::cerr << "hatsearch: warning: " << m << "\n"; };
  LoadedModel loaded = load_model(vm["checkpoint"].as<std::string>(), data, warn);
  SuperTransformer& model = *loaded.model;
  const SearchSpace& space = loaded.space.space;
  const search::GenomeSpace genomes(space);

  const fs::path out = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                                       : fs::path("runs/search") / budget_label(runs.front());
  const bool resume = vm["resume"].as<bool>();
  if (fs::exists(out) && !resume && !vm["force"].as<bool>())
    throw cli::UsageError(out.string() + " exists: pass --resume to continue it or --force to replace it");
  if (fs::exists(out) && vm["force"].as<bool>() && !resume) fs::remove_all(out);
  fs::create_directories(out);

  const double smoothing = loaded.trainer.contains("settings")
                               ? loaded.trainer["settings"].value("label_smoothing", 0.1) : 0.1;
  const data::TokenSplit valid = data.load_split("valid");
  const int64_t max_tokens = vm["max-tokens"].as<int64_t>();
  search::SupernetFitness subset(model, valid, vm["valid-sentences"].as<int64_t>(), max_tokens, smoothing);
  SharedFitness fitness{subset, {}};
  std::cout << "SuperTransformer: " << loaded.checkpoint.string() << " (space " << space.name
            << ", update " << loaded.update << "); fitness: valid loss on " << subset.sentences()
            << " of " << valid.size() << " sentences\n";

  const auto make_constraints = [&](const std::vector<Budget>& budgets) {
    search::Constraints c(model);
    for (const Budget& b : budgets) {
      search::LatencyBound bound;
      bound.device = profiles.at(b.device);
      bound.predictor = predictors.at(b.device);
      bound.setting = latency::deployment_setting(bound.device, model.dims());
      bound.budget_ms = b.ms;
      for (const std::string& w : bound.predictor.warnings(latency::summarize_arch(largest_arch(space), bound.setting)))
        warn(str(bound.device.name, " predictor: ", w));
      c.add_latency(std::move(bound));
    }
    if (vm.count("max-params")) c.set_max_parameters(vm["max-params"].as<int64_t>());
    if (vm.count("max-memory-mb"))
      c.set_max_memory_bytes(static_cast<int64_t>(vm["max-memory-mb"].as<double>() * 1e6));
    c.check_feasible(space);
    return c;
  };

  // What the subset costs: Kendall tau between subset and full-set loss on sampled archs.
  std::optional<double> subset_tau;
  const int rank_check = vm["rank-check"].as<int>();
  if (rank_check >= 2 && subset.sentences() < static_cast<int64_t>(valid.size()) && !resume) {
    search::SupernetFitness full(model, valid, 0, max_tokens, smoothing);
    std::vector<ArchConfig> sample;
    for (int i = 0; i < rank_check; ++i) sample.push_back(sample_arch(space, mix64(evo.seed + 1000 + i)));
    subset_tau = latency::kendall_tau(fitness(sample), full(sample));
    std::printf("subset check: Kendall tau %.3f between the loss on %lld and on all %zu validation sentences (%d architectures)\n",
                *subset_tau, (long long)subset.sentences(), valid.size(), rank_check);
  }

  search::SearchResultStore store(out / "candidates.sqlite");
  cli::install_stop_handler();
  cli::StatusLine status;
  nlohmann::json results = nlohmann::json::array();
  std::vector<search::PlotPoint> points, winners;
  std::vector<double> plotted_budgets;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  for (const std::vector<Budget>& budgets : runs) {
    const std::string label = budget_label(budgets);
    const search::Constraints constraints = make_constraints(budgets);
    const auto facts = [&](const ArchConfig& a) {
      search::CandidateFacts f;
      f.parameters = model.parameter_count(a, false);
      f.parameters_with_embeddings = model.parameter_count(a, true);
      for (const search::LatencyBound& b : constraints.latency()) f.latency_ms[b.device.name] = b.predict_ms(a);
      return f;
    };
    search::EvolutionarySearch engine(
        genomes, evo, [&](const std::vector<ArchConfig>& a) { return fitness(a); },
        [&](const ArchConfig& a) { return constraints.satisfied(a); });
    const fs::path state_file = out / (runs.size() == 1 ? std::string("state.json") : "state-" + label + ".json");
    std::optional<search::SearchState> saved;
    if (resume && fs::exists(state_file)) {
      std::ifstream in(state_file);
      nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_discarded() || j.value("algorithm", "") != algorithm || j.value("seed", uint64_t{0}) != evo.seed ||
          j.value("space", "") != loaded.space.hash)
        throw Error(str(state_file.string(), " is not a saved state of this search (algorithm, seed or space differ)"));
      saved = search::SearchState::from_json(j.at("state"));
      status.print(str("resuming ", label, " after iteration ", saved->completed_iterations));
    }
    const auto on_iteration = [&](const search::SearchState& s) {
      nlohmann::json j{{"algorithm", algorithm}, {"seed", evo.seed}, {"space", loaded.space.hash},
                       {"state", s.to_json()}};
      util::write_file_atomically(state_file, j.dump());
      store.record(label, s, genomes, facts);
      const search::Candidate* best = s.best();
      const int total = algorithm == "random" ? 0 : evo.iterations;
      status.print(str(label, " iteration ", s.completed_iterations, total ? str("/", total) : std::string(),
                       ": best loss ", best->fitness, " bits, ", s.scored.size(), " scored, ",
                       cli::format_duration(elapsed())));
      if (cli::stop_requested())
        throw Error(str("stopped; continue with --resume (state saved in ", state_file.string(), ")"));
    };
    search::SearchState state;
    if (algorithm == "evolution") {
      state = engine.run(saved, on_iteration);
    } else {
      const int64_t evaluations = static_cast<int64_t>(evo.iterations) * evo.population();
      state = saved && saved->scored.size() >= static_cast<size_t>(evaluations) ? *saved
                                                                                : engine.run_random(evaluations, on_iteration);
    }
    const search::Candidate& best = *state.best();
    const ArchConfig arch = genomes.decode(best.genome);
    const search::CandidateFacts f = facts(arch);
    nlohmann::json r{{"budgets", nlohmann::json::array()}, {"loss_bits", best.fitness}, {"arch_hash", best.hash},
                     {"parameters", f.parameters}, {"parameters_with_embeddings", f.parameters_with_embeddings},
                     {"predicted_latency_ms", f.latency_ms}, {"evaluations", state.scored.size()},
                     {"best_loss_per_iteration", state.best_per_iteration}, {"arch", arch_to_yaml(arch)}};
    for (const Budget& b : budgets) r["budgets"].push_back({{"device", b.device}, {"latency_ms", b.ms}});
    results.push_back(r);
    const std::string prefix = runs.size() == 1 ? "best" : "best-" + label;
    util::write_file_atomically(out / (prefix + ".yml"), arch_to_yaml(arch));
    util::write_file_atomically(out / (prefix + ".hat.yml"), arch_to_hat_yaml(arch));
    std::cout << "winner for " << label << ": loss " << best.fitness << " bits, "
              << f.parameters / 1e6 << " M parameters (" << f.parameters_with_embeddings / 1e6
              << " M with embeddings)";
    for (const auto& [device, ms] : f.latency_ms) std::cout << ", " << device << " " << ms << " ms";
    std::cout << "\n  " << arch_summary(arch) << "\n";
    if (!budgets.empty()) {
      const std::string first = profiles.at(budgets.front().device).name;
      for (const search::Candidate& c : state.scored)
        points.push_back({facts(genomes.decode(c.genome)).latency_ms.at(first), c.fitness});
      winners.push_back({f.latency_ms.at(first), best.fitness});
      plotted_budgets.push_back(budgets.front().ms);
    }
  }
  nlohmann::json summary{{"runs", results}, {"algorithm", algorithm}, {"seed", evo.seed},
                         {"checkpoint", loaded.checkpoint.string()}, {"space", space.name},
                         {"valid_sentences", subset.sentences()}, {"seconds", elapsed()},
                         {"distinct_architectures_scored", fitness.cache.size()}};
  if (subset_tau) summary["subset_kendall_tau"] = *subset_tau;
  util::write_file_atomically(out / "result.json", summary.dump(2));
  if (!points.empty()) {
    const std::string device = profiles.at(runs.front().front().device).name;
    util::write_file_atomically(
        out / "plot.svg", search::loss_latency_svg(points, winners, plotted_budgets,
                                                   "validation loss against predicted " + device + " latency"));
  }
  std::cout << "wrote " << out.string() << " (result.json, best*.yml, candidates.sqlite"
            << (points.empty() ? "" : ", plot.svg") << ") in " << cli::format_duration(elapsed()) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatsearch", [&] { return run(argc, argv); });
}
