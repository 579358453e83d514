// hatprofile run's options, and the run's configuration from them (the library checks the rest).
#include "devices/error.h"
#include "latency/host_info.h"
#include "tools/cli/cli.h"
#include "tools/hatprofile/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatprofile {

po::options_description run_options() {
  po::options_description what("What to measure");
  what.add_options()
      ("space", po::value<std::string>()->default_value("default"),
       "search space: default, iwslt14.de-en, wmt14.en-de, wmt14.en-fr, wmt19.en-de, or a YAML file")
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

}  // namespace hat::hatprofile
