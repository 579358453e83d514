// hatsearch: HAT's evolutionary search for the SubTransformer with the lowest validation loss
// (weights inherited from a trained SuperTransformer) whose predicted latency on the named
// device(s) fits the budget. A thin main: options, then search/ does the work.
#include <boost/program_options.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "devices/error.h"
#include "devices/threads.h"
#include "latency/device_profile.h"
#include "search/hat_evo_config.h"
#include "search/supernet_search.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hatsearch --device NAME --latency DURATION [--device NAME --latency DURATION ...]\n"
    "                 [--checkpoint DIR] [--data DIR] [--out DIR] [options]\n"
    "       hatsearch --hat-config HAT_EVO_SEARCH.yml [--device NAME] [options]\n\n"
    "Searches the SuperTransformer's space for the SubTransformer with the lowest validation\n"
    "loss (inherited weights, bits per token) whose predicted latency fits each budget, with\n"
    "HAT's evolutionary algorithm (or random search, the baseline). Several --device/--latency\n"
    "pairs constrain all at once; one --device with several --latency values sweeps the budgets\n"
    "(Pareto mode) sharing one fitness cache. Latencies need a unit: 150ms, 5s.\n"
    "Writes to --out: best.yml (ours), best.hat.yml (HAT's keys), result.json, candidates.sqlite\n"
    "(every scored candidate), plot.svg, and state*.json (--resume continues from the last\n"
    "completed iteration). Every option can also come from --config FILE (key = value lines).\n";

// "150ms", "5s", "0.2s" -> ms; a bare number or a non-positive value is a usage error.
double parse_latency_ms(const std::string& text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.back())))
    throw cli::UsageError("--latency '" + text + "' needs a unit, as in 150ms or 5s");
  const double seconds = cli::parse_duration_seconds(text, "--latency");
  if (!(seconds > 0)) throw cli::UsageError("--latency '" + text + "' must be positive");
  return seconds * 1000;
}

std::vector<std::string> strings(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

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
      ("hat-config", po::value<std::string>(), "HAT's evo_search YAML (experiments/hat-configs/TASK/evo_search/): its sizes, mutation probability and latency constraint, unless given here; the device from its file name unless --device")
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

  search::SupernetSearchOptions o;
  o.devices = strings(vm, "device");
  auto latencies = strings(vm, "latency");
  std::optional<search::HatEvoConfig> hat;
  if (vm.count("hat-config")) {
    const std::string file = vm["hat-config"].as<std::string>();
    try {
      hat = search::read_hat_evo_config(file);
    } catch (const Error& e) {
      throw cli::UsageError(e.what());
    }
    if (o.devices.empty()) {
      // HAT names the files <task>_<device>.yml, its devices raspberrypi, xeon and titanxp.
      const std::string stem = std::filesystem::path(file).stem().string();
      const std::string device = stem.substr(stem.rfind('_') + 1);
      try {
        o.devices.push_back(latency::resolve_device(device).name);
      } catch (const Error&) {
        throw cli::UsageError(str("--hat-config ", file, ": no device profile for '", device,
                                  "' (from the file name): give --device NAME"));
      }
    }
    if (latencies.empty()) latencies.push_back(str(hat->latency_ms, "ms"));
    if (!hat->not_used.empty()) {
      std::string keys;
      for (const std::string& k : hat->not_used) keys += (keys.empty() ? "" : ", ") + k;
      std::cerr << "hatsearch: " << file << ": " << keys << " name HAT's own files and predictor "
                << "settings; --checkpoint, --out and the device profile's predictor stand for them\n";
    }
  }
  if (o.devices.empty() && latencies.empty() && !vm.count("max-params") && !vm.count("max-memory-mb"))
    throw cli::UsageError("give at least one constraint: --device NAME --latency 150ms, --max-params or --max-memory-mb");
  o.algorithm = vm["algorithm"].as<std::string>();
  search::EvolutionOptions& evo = o.evolution;
  // The command line, then HAT's file, then the defaults.
  const auto given = [&](const char* name) { return !vm[name].defaulted(); };
  evo.iterations = hat && !given("iterations") ? hat->evolution.iterations : vm["iterations"].as<int>();
  evo.parents = hat && !given("parents") ? hat->evolution.parents : vm["parents"].as<int>();
  evo.mutations = hat && !given("mutations") ? hat->evolution.mutations : vm["mutations"].as<int>();
  evo.crossovers = hat && !given("crossovers") ? hat->evolution.crossovers : vm["crossovers"].as<int>();
  evo.mutation_probability = hat && !given("mutation-prob") ? hat->evolution.mutation_probability
                                                            : vm["mutation-prob"].as<double>();
  evo.seed = vm["seed"].as<uint64_t>();
  try {  // the library's checks of these options are usage errors here
    o.runs = search::budget_runs(o.devices, latencies, parse_latency_ms);
    if (o.algorithm != "evolution" && o.algorithm != "random")
      throw Error("--algorithm must be evolution or random, got '" + o.algorithm + "'");
    evo.validate();
  } catch (const Error& e) {
    throw cli::UsageError(e.what());
  }
  if (vm.count("max-params")) o.limits.max_parameters = vm["max-params"].as<int64_t>();
  if (vm.count("max-memory-mb"))
    o.limits.max_memory_bytes = static_cast<int64_t>(vm["max-memory-mb"].as<double>() * 1e6);
  o.checkpoint = vm["checkpoint"].as<std::string>();
  o.data = vm["data"].as<std::string>();
  if (vm.count("out")) o.out = vm["out"].as<std::string>();
  o.resume = vm["resume"].as<bool>();
  o.force = vm["force"].as<bool>();
  o.valid_sentences = vm["valid-sentences"].as<int64_t>();
  o.rank_check = vm["rank-check"].as<int>();
  o.max_tokens = vm["max-tokens"].as<int64_t>();

  cli::StatusLine status;
  search::SweepObserver observer;
  observer.started = cli::install_stop_handler;
  observer.print = [](const std::string& line) { std::cout << line << "\n"; };
  observer.status = [&](const std::string& line) { status.print(line); };
  observer.iteration_done = [&](const std::string& label, const search::SearchState& s, double seconds) {
    const int total = o.algorithm == "random" ? 0 : evo.iterations;
    status.print(str(label, " iteration ", s.completed_iterations, total ? str("/", total) : std::string(),
                     ": best loss ", s.best()->fitness, " bits, ", s.scored.size(), " scored, ",
                     cli::format_duration(seconds)));
  };
  observer.stop_requested = cli::stop_requested;
  const auto warn = [](const std::string& m) { std::cerr << "hatsearch: warning: " << m << "\n"; };
  try {
    const search::SupernetSearchSummary done = search::run_supernet_search(o, observer, warn);
    std::cout << "wrote " << done.out.string() << " (result.json, best*.yml, candidates.sqlite"
              << (done.plotted ? ", plot.svg" : "") << ") in " << cli::format_duration(done.seconds) << "\n";
  } catch (const search::OutputExists& e) {
    throw cli::UsageError(e.what());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatsearch", [&] { return run(argc, argv); });
}
