// hatprofile run: the options, then latency/measure/profile_run.h on the model
// latency/measure/profiled_model.h opens.
#include <chrono>
#include <iostream>
#include <optional>

#include "devices/error.h"
#include "devices/threads.h"
#include "latency/host_info.h"
#include "latency/measure/profile_run.h"
#include "latency/measure/profiled_model.h"
#include "latency/report/format.h"
#include "latency/thread_pinning.h"
#include "tools/cli/model_choice.h"
#include "tools/hatprofile/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatprofile {

namespace {

po::options_description run_options() {
  po::options_description what("What to measure");
  what.add_options()
      ("space", po::value<std::string>()->default_value("default"),
       "search space: default, iwslt14.de-en, wmt14.en-de, or a YAML file")
      ("samples,n", po::value<int64_t>()->default_value(100), "SubTransformers to measure")
      ("passes", po::value<int>()->default_value(1),
       "measure the N samples this many times, one pass after another (a noisy machine: "
       "predictors take each architecture's median of timings minutes apart)")
      ("seed", po::value<uint64_t>()->default_value(1), "sampling seed (the same seed, the same archs)")
      ("arch", po::value<std::string>(),
       "measure this one architecture N times instead (largest, smallest, or a YAML file): "
       "run-to-run noise")
      ("reference", po::value<std::string>(),
       "also time this architecture (smallest, largest, or a YAML file) just before every "
       "sample, stored with it: predictors divide the machine's speed drift out (a shared or "
       "throttling machine)")
      ("checkpoint", po::value<std::string>(), "inherit weights from this checkpoint (random otherwise)")
      ("model", po::value<std::string>(),
       "measure this model directory (hatexport's): its own architecture and weights, N times")
      ("data", po::value<std::string>()->default_value("data/default"),
       "data directory of the checkpoint's vocabulary (with --checkpoint)")
      ("vocab", po::value<int64_t>(), "vocabulary size of random-weight models (the device profile's)")
      ("mode", po::value<std::string>()->default_value("protocol"),
       "protocol (HAT's encoder + decoder timing) or translate (a whole beam search)");
  po::options_description how("Protocol");
  how.add_options()
      ("source-length,L", po::value<int64_t>(), "source tokens and decoder steps (the profile's: 30)")
      ("beam", po::value<int64_t>(), "beam width (the profile's: 5)")
      ("warmups", po::value<int>()->default_value(5), "untimed runs before timing")
      ("iterations", po::value<int>()->default_value(20),
       "timed runs per part (the minimum when a target is given)")
      ("precision", po::value<double>()->default_value(0),
       "go on until the trimmed mean's standard error is below this fraction (e.g. 0.01)")
      ("time-per-part", po::value<std::string>(), "... or until this much time per part (2s, 500ms)")
      ("max-iterations", po::value<int>()->default_value(200), "cap on timed runs per part")
      ("threads", po::value<int>(), "CPU threads (the profile's; 0: all cores)")
      ("no-pin", "do not pin the threads to cores");
  po::options_description where("Where");
  where.add_options()
      ("device", po::value<std::string>()->default_value("host"), "device profile: name or alias")
      ("dataset", po::value<std::string>(), "SQLite dataset (the device profile's)")
      ("busy-timeout", po::value<std::string>()->default_value("10s"),
       "how long to wait for another process's lock");
  po::options_description all;
  all.add(what).add(how).add(where);
  return all;
}

ProfileRunConfig run_config(const po::variables_map& vm, const DeviceProfile& device) {
  ProfileRunConfig config;
  config.samples = vm["samples"].as<int64_t>();
  if (config.samples < 1) throw cli::UsageError("--samples must be >= 1");
  config.passes = vm["passes"].as<int>();
  if (config.passes < 1) throw cli::UsageError("--passes must be >= 1");
  config.seed = vm["seed"].as<uint64_t>();
  config.mode = vm["mode"].as<std::string>();
  if (config.mode != "protocol" && config.mode != "translate")
    throw cli::UsageError("--mode must be protocol or translate, not '" + config.mode + "'");
  config.protocol.source_length =
      vm.count("source-length") ? vm["source-length"].as<int64_t>() : device.source_length;
  config.protocol.beam = vm.count("beam") ? vm["beam"].as<int64_t>() : device.beam;
  config.protocol.warmups = vm["warmups"].as<int>();
  config.policy.iterations = vm["iterations"].as<int>();
  config.policy.precision = vm["precision"].as<double>();
  config.policy.max_iterations = vm["max-iterations"].as<int>();
  if (vm.count("time-per-part"))
    config.policy.seconds =
        cli::parse_duration_seconds(vm["time-per-part"].as<std::string>(), "--time-per-part");
  if (config.protocol.source_length < 1 || config.protocol.beam < 1 || config.protocol.warmups < 0 ||
      config.policy.iterations < 1 || config.policy.precision < 0 ||
      config.policy.max_iterations < config.policy.iterations)
    throw cli::UsageError("need --source-length, --beam, --iterations >= 1, --warmups and "
                          "--precision >= 0, --max-iterations >= --iterations");
  config.threads = vm.count("threads") ? vm["threads"].as<int>() : device.threads;
  if (config.threads < 0) throw cli::UsageError("--threads must be >= 0");
  config.device = device.name;
  config.host = host_name();
  config.library_versions = library_versions();
  return config;
}

// The status line after each sample: progress, rate and ETA, and the sample's timings.
std::string progress_line(const ProfileRunProgress& p, const ProfileRunConfig& config,
                          int64_t done_now, double elapsed) {
  std::string line = str("hatprofile: ", p.done, "/", p.total, " ",
                         cli::progress_bar(static_cast<double>(p.done) / static_cast<double>(p.total), 20));
  if (done_now > 0) {
    const double eta = static_cast<double>(p.total - p.done) * elapsed / static_cast<double>(done_now);
    line += str(" ", format("%.1f", elapsed > 0 ? 60.0 * static_cast<double>(done_now) / elapsed : 0),
                " archs/min, ETA ", cli::format_duration(eta));
  }
  if (p.arch)
    line += str(" | ", config.passes > 1 ? str("pass ", p.pass, " ") : std::string(), "#", p.index,
                " ", format("%.2f", p.result.total_ms()), " ms (enc ",
                format("%.2f", p.result.encoder.trimmed_mean_ms), " + dec ",
                format("%.2f", p.result.decoder.trimmed_mean_ms), ")");
  if (p.reference) line += str(", reference ", format("%.2f", p.reference->total_ms()), " ms");
  return line;
}

}  // namespace

int run_command(int argc, char** argv) {
  po::options_description all = run_options();
  const auto parsed = parse(argc, argv, all);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const DeviceProfile device = resolve_device(vm["device"].as<std::string>());
  if (!vm.count("dataset") && device.data_format != LatencyDataFormat::sqlite)
    throw cli::UsageError(str("device '", device.name, "' keeps HAT's CSV data (",
                              device.data_file.string(), "); give --dataset FILE"));
  const std::string dataset_path =
      vm.count("dataset") ? vm["dataset"].as<std::string>() : device.data_file.string();
  ProfileRunConfig config = run_config(vm, device);
  set_num_threads(config.threads);
  const int pool = num_threads();

  // The model: a model directory, a checkpoint's SuperTransformer, or random weights.
  const std::optional<ModelChoice> choice = cli::optional_model_choice(vm);
  RandomWeights random{vm["space"].as<std::string>(),
                       vm.count("vocab") ? vm["vocab"].as<int64_t>() : device.vocabulary_size,
                       config.seed};
  if (!choice && random.vocab_size < 5) throw cli::UsageError("--vocab must be >= 5");
  const ProfiledModel model = open_profiled_model(
      choice, random, vm.count("arch") ? std::optional(vm["arch"].as<std::string>()) : std::nullopt,
      [](const std::string& m) { std::cerr << "hatprofile: warning: " << m << "\n"; });
  config.space = model.space.space;
  config.space_hash = model.space.hash;
  config.fixed_arch = model.fixed_arch;
  config.weights = model.weights;
  if (vm.count("reference")) config.reference_arch = resolve_space_arch(vm["reference"].as<std::string>(), model);

  LatencyDataset dataset(dataset_path, dataset_options(vm, false));
  dataset.put_device(measured_device(device, config.threads));
  const std::string pinning = vm.count("no-pin") ? "threads not pinned" : pin_openmp_threads(pool);
  cli::install_stop_handler();
  cli::StatusLine status;
  status.print(str("hatprofile: ", config.samples, " samples",
                   config.passes > 1 ? str(" x ", config.passes, " passes") : std::string(),
                   " of space '", config.space.name, "' (",
                   config.fixed_arch ? "one fixed architecture" : "seed " + std::to_string(config.seed),
                   "), ", config.mode, " L=", config.protocol.source_length, " beam ",
                   config.protocol.beam, ", ", pool, " thread", pool == 1 ? "" : "s", " (", pinning,
                   "), device ", device.name, " -> ", dataset_path));
  const auto start = std::chrono::steady_clock::now();
  int64_t first_done = -1;
  const ProfileRunSummary s = run_profile(
      model.model(), dataset, config, [] { return cli::stop_requested(); },
      [&](const ProfileRunProgress& p) {
        if (first_done < 0) first_done = p.done;
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        status.update(progress_line(p, config, p.done - first_done, elapsed.count()));
      });
  status.print(str("hatprofile: ", s.measured, " measured now, ", s.already, " from before; ",
                   s.total, "/", config.samples * config.passes, " stored in ", dataset_path, " (",
                   cli::format_duration(s.seconds), ", ",
                   format("%.1f", s.seconds > 0 ? 60.0 * static_cast<double>(s.measured) / s.seconds : 0),
                   " archs/min)"));
  if (!s.stopped) return 0;
  status.print("hatprofile: stopped; run the same command again to continue");
  return 130;
}


}  // namespace hat::hatprofile
