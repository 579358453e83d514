// hatprofile: measures SubTransformer latency on this machine into a SQLite latency dataset, and
// moves data in and out (HAT's CSV files, merging boards' files, per-device statistics). A thin
// main: options, then latency/profile_run.h and latency/dataset/.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "devices/error.h"
#include "devices/threads.h"
#include "latency/dataset/latency_dataset.h"
#include "latency/dataset/stats.h"
#include "latency/device_profile.h"
#include "latency/host_info.h"
#include "latency/profile_run.h"
#include "latency/thread_pinning.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/space_file.h"
#include "supernet/data/data_directory.h"
#include "supernet/export/model_directory.h"
#include "supernet/translate/model_loader.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;
using namespace hat::latency;

namespace {

constexpr const char* kAbout =
    "usage: hatprofile [run] [--space NAME|FILE] [--samples N] [--device NAME] [--dataset FILE] ...\n"
    "       hatprofile import-csv --csv FILE --device NAME --dataset FILE\n"
    "       hatprofile export-csv --dataset FILE --device NAME [--output FILE|-]\n"
    "       hatprofile merge --into FILE --from FILE [--from FILE ...] [--as-passes]\n"
    "       hatprofile stats [--dataset FILE]\n\n"
    "run (the default) samples N SubTransformers uniformly from a search space (seeded), builds\n"
    "each with random weights (or a checkpoint's) and measures it on this machine with HAT's\n"
    "protocol (batch 1, L source tokens, encoder once, L incremental decoder steps over the beam,\n"
    "warm-ups, 10% trimmed mean), or the whole beam-search translate path (--mode translate).\n"
    "Each sample is committed as soon as it is measured; Ctrl-C stops cleanly, and running the\n"
    "same command again continues and ends with exactly N samples (per pass, with --passes).\n"
    "--model DIR measures one model directory (hatexport's) N times instead. Devices resolve\n"
    "through devices/profiles (HAT_DEVICE_PROFILES overrides the directory).\n";

po::options_description help_option() {
  po::options_description o("General");
  o.add_options()("help,h", "show this help");
  return o;
}

std::string dataset_for(const po::variables_map& vm, const DeviceProfile& device) {
  if (vm.count("dataset")) return vm["dataset"].as<std::string>();
  if (device.data_format == LatencyDataFormat::sqlite) return device.data_file.string();
  throw cli::UsageError(str("device '", device.name, "' keeps HAT's CSV data (",
                            device.data_file.string(), "); give --dataset FILE"));
}

DatasetOptions dataset_options(const po::variables_map& vm, bool read_only) {
  DatasetOptions o;
  o.read_only = read_only;
  if (vm.count("busy-timeout"))
    o.busy_timeout_ms = static_cast<int>(
        1000 * cli::parse_duration_seconds(vm["busy-timeout"].as<std::string>(), "--busy-timeout"));
  return o;
}

std::string fixed(double v, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << v;
  return out.str();
}

// ---- run ------------------------------------------------------------------------------------

// --arch / --reference: largest, smallest, or a YAML file.
ArchConfig arch_spec(const std::string& spec, const SearchSpace& space) {
  if (spec == "largest") return largest_arch(space);
  if (spec == "smallest") return smallest_arch(space);
  return arch_from_file(spec);
}

int run_command(int argc, char** argv) {
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
  all.add(what).add(how).add(where).add(help_option());
  const auto parsed = cli::parse_options(argc, argv, all, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;

  const DeviceProfile device = resolve_device(vm["device"].as<std::string>());
  const std::string dataset_path = dataset_for(vm, device);
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
  set_num_threads(config.threads);
  const int pool = num_threads();

  // The model: a model directory, a checkpoint's SuperTransformer, or one with random weights
  // for the space.
  cli::conflicting_options(vm, "model", "checkpoint");
  std::unique_ptr<SuperTransformer> model;
  LoadedModel loaded;
  SpaceFile space;
  if (vm.count("model")) {
    ModelDirectory dir = load_model_directory(vm["model"].as<std::string>());
    config.fixed_arch = resolve_model_arch(vm.count("arch") ? vm["arch"].as<std::string>() : "", dir);
    loaded = std::move(dir.loaded);
    space = loaded.space;
    config.weights = "model directory " + loaded.checkpoint.string();
  } else if (vm.count("checkpoint")) {
    const data::DataDirectory data(vm["data"].as<std::string>());
    loaded = load_model(vm["checkpoint"].as<std::string>(), data,
                        [](const std::string& m) { std::cerr << "hatprofile: warning: " << m << "\n"; });
    space = loaded.space;
    config.weights = "checkpoint " + loaded.checkpoint.string() + " (update " +
                     std::to_string(loaded.update) + ")";
  } else {
    space = load_space_file(vm["space"].as<std::string>());
    ModelDims dims = space.space.super_dims;
    dims.vocab_size = vm.count("vocab") ? vm["vocab"].as<int64_t>() : device.vocabulary_size;
    if (dims.vocab_size < 5) throw cli::UsageError("--vocab must be >= 5");
    model = std::make_unique<SuperTransformer>(dims);
    model->init_parameters(config.seed);
    config.weights = "random (seed " + std::to_string(config.seed) + ")";
  }
  const SuperTransformer& net = model ? *model : *loaded.model;
  config.space = space.space;
  config.space.super_dims.vocab_size = net.dims().vocab_size;
  config.space_hash = space.hash;
  if (vm.count("arch") && !vm.count("model")) {
    config.fixed_arch = arch_spec(vm["arch"].as<std::string>(), config.space);
    net.check_arch(*config.fixed_arch);
  }
  if (vm.count("reference")) {
    config.reference_arch = arch_spec(vm["reference"].as<std::string>(), config.space);
    net.check_arch(*config.reference_arch);
  }
  config.device = device.name;
  config.host = host_name();
  config.library_versions = library_versions();

  LatencyDataset dataset(dataset_path, dataset_options(vm, false));
  const std::string cpu = cpu_description();
  dataset.put_device({device.name, device.name == "host" ? cpu : device.hardware + "; measured on " + cpu,
                      "cpu (oneDNN)", config.threads});
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
  const auto on_progress = [&](const ProfileRunProgress& p) {
    if (first_done < 0) first_done = p.done;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int64_t now = p.done - first_done;
    const double per_minute = elapsed > 0 ? 60.0 * static_cast<double>(now) / elapsed : 0;
    std::string line = str("hatprofile: ", p.done, "/", p.total, " ",
                           cli::progress_bar(static_cast<double>(p.done) / static_cast<double>(p.total), 20));
    if (now > 0) {
      const double eta = static_cast<double>(p.total - p.done) * elapsed / static_cast<double>(now);
      line += str(" ", fixed(per_minute, 1), " archs/min, ETA ", cli::format_duration(eta));
    }
    if (p.arch)
      line += str(" | ", config.passes > 1 ? str("pass ", p.pass, " ") : std::string(), "#",
                  p.index, " ", fixed(p.result.total_ms(), 2), " ms (enc ",
                  fixed(p.result.encoder.trimmed_mean_ms, 2), " + dec ",
                  fixed(p.result.decoder.trimmed_mean_ms, 2), ")");
    if (p.reference) line += str(", reference ", fixed(p.reference->total_ms(), 2), " ms");
    status.update(line);
  };
  const ProfileRunSummary s = run_profile(net, dataset, config, [] { return cli::stop_requested(); },
                                          on_progress);
  status.print(str("hatprofile: ", s.measured, " measured now, ", s.already, " from before; ",
                   s.total, "/", config.samples * config.passes, " stored in ", dataset_path, " (",
                   cli::format_duration(s.seconds), ", ",
                   fixed(s.seconds > 0 ? 60.0 * static_cast<double>(s.measured) / s.seconds : 0, 1),
                   " archs/min)"));
  if (s.stopped) {
    status.print("hatprofile: stopped; run the same command again to continue");
    return 130;
  }
  return 0;
}

// ---- import-csv / export-csv / merge / stats --------------------------------------------------

int import_command(int argc, char** argv) {
  po::options_description o("import-csv: HAT's latency CSV into a dataset");
  o.add_options()
      ("csv", po::value<std::string>()->required(), "HAT's CSV file")
      ("device", po::value<std::string>()->required(), "device profile (name or alias)")
      ("dataset", po::value<std::string>()->required(), "SQLite dataset (created when missing)")
      ("busy-timeout", po::value<std::string>()->default_value("10s"), "lock wait");
  o.add(help_option());
  const auto parsed = cli::parse_options(argc, argv, o, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const DeviceProfile device = resolve_device(vm["device"].as<std::string>());
  Measurement protocol;  // the profile's protocol, as HAT measured these rows
  protocol.source_length = device.source_length;
  protocol.beam = device.beam;
  protocol.vocabulary_size = device.vocabulary_size;
  protocol.qkv_dim = device.qkv_dim;
  protocol.threads = device.threads;
  read_hat_csv(vm["csv"].as<std::string>());  // a bad file fails before the dataset is created
  LatencyDataset dataset(vm["dataset"].as<std::string>(), dataset_options(vm, false));
  const int64_t added = dataset.import_hat_csv(
      vm["csv"].as<std::string>(), {device.name, device.hardware, device.backend, device.threads},
      protocol);
  std::cout << "hatprofile: imported " << added << " new rows for device " << device.name << " ("
            << dataset.count(device.name) << " in all) into " << dataset.path().string() << "\n";
  return 0;
}

int export_command(int argc, char** argv) {
  po::options_description o("export-csv: one device's rows as HAT's CSV");
  o.add_options()
      ("dataset", po::value<std::string>()->required(), "SQLite dataset")
      ("device", po::value<std::string>()->required(), "device name in the dataset (or an alias)")
      ("output,o", po::value<std::string>()->default_value("-"), "CSV file (atomic) or - for stdout");
  o.add(help_option());
  const auto parsed = cli::parse_options(argc, argv, o, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  LatencyDataset dataset(vm["dataset"].as<std::string>(), dataset_options(vm, true));
  std::string name = vm["device"].as<std::string>();
  bool present = false;
  for (const DatasetDevice& d : dataset.devices()) present |= d.name == name;
  if (!present) name = resolve_device(name).name;  // an alias of a known profile
  const std::vector<HatCsvRow> rows = dataset.hat_csv_rows(name);
  const std::string output = vm["output"].as<std::string>();
  if (output == "-") {
    std::cout << format_hat_csv(rows) << std::flush;
  } else {
    write_hat_csv(output, rows);
    std::cerr << "hatprofile: wrote " << rows.size() << " rows of " << name << " to " << output << "\n";
  }
  return 0;
}

int merge_command(int argc, char** argv) {
  po::options_description o("merge: several boards' datasets into one");
  o.add_options()
      ("into", po::value<std::string>()->required(), "target dataset (created when missing)")
      ("from", po::value<std::vector<std::string>>()->required()->composing(), "source dataset (repeat)")
      ("as-passes", po::bool_switch(), "a run profiled again (the same `run` command, another day "
                                       "or file) is stored as further passes of the run: "
                                       "predictors take each architecture's median of both")
      ("busy-timeout", po::value<std::string>()->default_value("10s"), "lock wait");
  o.add(help_option());
  const auto parsed = cli::parse_options(argc, argv, o, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  LatencyDataset into(vm["into"].as<std::string>(), dataset_options(vm, false));
  const RepeatedRun repeated = vm["as-passes"].as<bool>() ? RepeatedRun::kAsPasses : RepeatedRun::kLeaveOut;
  for (const std::string& from : vm["from"].as<std::vector<std::string>>()) {
    const MergeSummary merged = into.merge_from(from, repeated);
    std::cout << "hatprofile: merged " << merged.added << " new rows from " << from;
    if (merged.runs_as_passes > 0)
      std::cout << " (" << merged.runs_as_passes << " run" << (merged.runs_as_passes == 1 ? "" : "s")
                << " profiled again: stored as further passes)";
    std::cout << "\n";
    if (merged.left_out > 0)
      std::cout << "hatprofile: left out " << merged.left_out << " rows of " << from
                << ": they measure samples of a run that is here again (the same run profiled "
                   "twice); --as-passes keeps them as further passes of that run\n";
  }
  std::cout << "hatprofile: " << into.count() << " rows in " << into.path().string() << "\n";
  return 0;
}

int stats_command(int argc, char** argv) {
  po::options_description o("stats: per device rows, latency range and noise");
  o.add_options()("dataset", po::value<std::string>(), "SQLite dataset (the host profile's)");
  o.add(help_option());
  const auto parsed = cli::parse_options(argc, argv, o, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const std::string path = vm.count("dataset") ? vm["dataset"].as<std::string>()
                                               : resolve_device("host").data_file.string();
  LatencyDataset dataset(path, dataset_options(vm, true));
  std::cout << path << "\n"
            << std::left << std::setw(12) << "device" << std::right << std::setw(7) << "rows"
            << std::setw(7) << "archs" << std::setw(30) << "total ms min / median / max"
            << std::setw(11) << "enc med" << std::setw(11) << "dec med" << std::setw(13)
            << "within CV" << std::setw(20) << "repeat CV (archs)" << "\n";
  for (const DeviceStats& s : dataset_stats(dataset)) {
    std::cout << std::left << std::setw(12) << s.device << std::right << std::setw(7) << s.rows
              << std::setw(7) << s.architectures << std::setw(30)
              << str(fixed(s.total_min_ms, 2), " / ", fixed(s.total_median_ms, 2), " / ",
                     fixed(s.total_max_ms, 2))
              << std::setw(11) << fixed(s.encoder_median_ms, 2) << std::setw(11)
              << fixed(s.decoder_median_ms, 2) << std::setw(12) << fixed(100 * s.within_cv_median, 2)
              << "%" << std::setw(20)
              << (s.repeated_architectures
                      ? str(fixed(100 * s.repeat_cv_median, 2), "% (", s.repeated_architectures, ")")
                      : std::string("-"))
              << "\n";
    if (s.reference_rows > 0)
      std::cout << "  " << s.reference_rows << " reference timings (not counted above): CV "
                << fixed(100 * s.reference_cv, 2) << "%, how much the machine's speed varied\n";
  }
  return 0;
}

int dispatch(int argc, char** argv) {
  static const std::map<std::string, int (*)(int, char**)> commands = {
      {"run", run_command},       {"import-csv", import_command}, {"export-csv", export_command},
      {"merge", merge_command},   {"stats", stats_command}};
  if (argc >= 2 && argv[1][0] != '-') {
    const auto it = commands.find(argv[1]);
    if (it == commands.end())
      throw cli::UsageError(str("unknown command '", argv[1],
                                "': run, import-csv, export-csv, merge or stats"));
    return it->second(argc - 1, argv + 1);  // the command name takes argv[0]'s place
  }
  return run_command(argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatprofile", [&] { return dispatch(argc, argv); });
}
