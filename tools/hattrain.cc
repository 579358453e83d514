// hattrain: trains HAT's weight-sharing SuperTransformer (or, with --arch, one SubTransformer,
// from scratch or fine-tuned from a model directory) on a data directory. A thin main: parse
// options, call hat::train, print progress, export the result when asked.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "devices/backends.h"
#include "devices/error.h"
#include "devices/threads.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/data/data_directory.h"
#include "supernet/export/exporter.h"
#include "supernet/export/model_config.h"
#include "supernet/train/trainer.h"
#include "supernet/translate/model_loader.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hattrain [--data DIR] [--space NAME|FILE] [--save-dir DIR] [options]\n\n"
    "Trains HAT's weight-sharing SuperTransformer: every update samples one SubTransformer of\n"
    "the search space uniformly (seeded by the update number) and trains its slice of the\n"
    "shared weights. With --arch, trains one fixed SubTransformer (a from-scratch baseline)\n"
    "inside the SuperTransformer; with --init DIR (a model directory from hatexport), fine-tunes\n"
    "that model's SubTransformer from its inherited weights (HAT's Table 6). --export DIR ends a\n"
    "fixed-architecture run by exporting its best checkpoint (the last without validation) into\n"
    "a model directory. Checkpoints and metrics.csv go to --save-dir; a killed run continues with\n"
    "--resume.\n";

// Settings given on the command line override the space file's.
template <typename T>
void override_setting(const po::variables_map& vm, const char* name, T& field) {
  if (vm.count(name)) field = vm[name].as<T>();
}

// --export: the best checkpoint of the run (judged by the fixed SubTransformer's validation
// loss), or the last one, cut out by hatexport's exporter.
void export_trained(const TrainerConfig& config, const TrainResult& result, const ExportOptions& request) {
  const auto warn = [](const std::string& m) { std::cerr << "hattrain: warning: " << m << "\n"; };
  const data::DataDirectory data(config.data_dir);
  const std::filesystem::path from =
      checkpoint::CheckpointStore(config.save_dir, 0, warn).best().value_or(result.last_checkpoint);
  const LoadedModel loaded = load_model(from, data, warn);
  const ExportSummary s = export_model(loaded, *config.arch, data, request, warn);
  std::cout << "hattrain: exported " << from.string() << " to " << s.dir.string() << ": " << s.parameters
            << " parameters (" << s.parameters_without_embeddings << " without embeddings)\n";
}

int run(int argc, char** argv) {
  po::options_description io("Data and output");
  io.add_options()
      ("data", po::value<std::string>()->default_value("data/default"), "data directory from hatdata")
      ("space", po::value<std::string>()->default_value("default"),
       "search space and HAT's training settings: default, iwslt14.de-en, wmt14.en-de, or a YAML file")
      ("save-dir", po::value<std::string>(), "checkpoints and metrics.csv (default checkpoints/SPACE, "
       "or checkpoints/SPACE-ARCHHASH with --arch)")
      ("arch", po::value<std::string>(), "train only this SubTransformer (our YAML or HAT's)")
      ("init", po::value<std::string>(),
       "fine-tune a model directory (hatexport's): its architecture, its weights as the start")
      ("export", po::value<std::string>(), "at the end, export the SubTransformer to this model directory")
      ("export-force", po::bool_switch(), "replace an existing --export model directory")
      ("resume", po::bool_switch(), "continue from the latest checkpoint in --save-dir");
  po::options_description length("How long");
  length.add_options()
      ("max-update", po::value<int64_t>(), "updates to train (the space's max-update by default)")
      ("time-budget", po::value<std::string>(), "stop cleanly after this wall time: 90s, 30m, 2h");
  po::options_description training("Overrides of the space's training settings");
  training.add_options()
      ("max-tokens", po::value<int64_t>(), "tokens per batch (rows x longest sentence)")
      ("update-freq", po::value<int64_t>(), "batches accumulated per update")
      ("lr-scheduler", po::value<std::string>(), "inverse_sqrt or cosine")
      ("lr", po::value<double>(), "inverse_sqrt: peak lr; cosine: final lr")
      ("max-lr", po::value<double>(), "cosine: peak lr")
      ("warmup-updates", po::value<int64_t>(), "linear warm-up updates")
      ("warmup-init-lr", po::value<double>(), "lr at update 0")
      ("dropout", po::value<double>(), "dropout (rescaled by sampled/super dim, as HAT)")
      ("attention-dropout", po::value<double>(), "dropout on attention probabilities")
      ("activation-dropout", po::value<double>(), "dropout after the FFN's ReLU")
      ("label-smoothing", po::value<double>(), "label smoothing of the cross-entropy")
      ("weight-decay", po::value<double>(), "Adam's decoupled weight decay")
      ("clip-norm", po::value<double>(), "gradient norm clipping (0: off)")
      ("seed", po::value<uint64_t>(), "seed of initialisation, sampling, dropout and batches");
  po::options_description reporting("Reporting and resources");
  reporting.add_options()
      ("validate-interval", po::value<int64_t>(), "updates between validations (default 250)")
      ("save-interval", po::value<int64_t>(), "updates between checkpoints (default 250)")
      ("keep-last", po::value<int64_t>(), "checkpoints kept besides the best (default 3)")
      ("log-interval", po::value<int64_t>()->default_value(10), "updates per metrics row")
      ("valid-sentences", po::value<int64_t>()->default_value(0),
       "validate on the first N valid sentences (0: all)")
      ("threads", po::value<int>()->default_value(0), "CPU threads (0: all cores)")
      ("help,h", "show this help");
  po::options_description all;
  all.add(io).add(length).add(training).add(reporting);
  const auto parsed = cli::parse_options(argc, argv, all, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;

  set_num_threads(vm["threads"].as<int>());
  TrainerConfig config;
  config.data_dir = vm["data"].as<std::string>();
  config.space = load_space_file(vm["space"].as<std::string>());
  TrainSettings& s = config.settings = config.space.settings;
  // Reporting defaults sized for the default space; HAT's spaces train for days.
  s.validate_interval_updates = s.save_interval_updates = 250;
  s.keep_last = 3;
  if (vm.count("arch")) config.arch = arch_from_file(vm["arch"].as<std::string>());
  if (vm.count("init")) {
    config.init_model = vm["init"].as<std::string>();
    const ArchConfig own = read_model_config(*config.init_model).arch;
    if (config.arch && *config.arch != own)
      throw cli::UsageError(str("--arch ", vm["arch"].as<std::string>(), " (", arch_hash(*config.arch),
                                ") is not the architecture of --init ", config.init_model->string(), " (",
                                arch_hash(own), ")"));
    config.arch = own;
  }
  std::optional<ExportOptions> export_to;
  if (vm.count("export")) {
    if (!config.arch) throw cli::UsageError("--export needs a fixed SubTransformer: --arch or --init");
    export_to = ExportOptions{vm["export"].as<std::string>(), vm["export-force"].as<bool>(), {}};
    // Refused now rather than after the training.
    if (std::filesystem::exists(export_to->out) && !export_to->force)
      throw cli::UsageError("--export " + export_to->out.string() +
                            " already exists; pass --export-force to replace it");
  }
  config.save_dir = vm.count("save-dir") ? vm["save-dir"].as<std::string>()
                    : "checkpoints/" + config.space.space.name +
                          (config.arch ? "-" + arch_hash(*config.arch) : std::string());
  config.resume = vm["resume"].as<bool>();
  if (vm.count("time-budget"))
    config.time_budget_seconds = cli::parse_duration_seconds(vm["time-budget"].as<std::string>(), "time-budget");
  override_setting(vm, "max-update", s.max_update);
  override_setting(vm, "max-tokens", s.max_tokens);
  override_setting(vm, "update-freq", s.update_freq);
  override_setting(vm, "lr-scheduler", s.lr_scheduler);
  override_setting(vm, "lr", s.lr);
  override_setting(vm, "max-lr", s.max_lr);
  override_setting(vm, "warmup-updates", s.warmup_updates);
  override_setting(vm, "warmup-init-lr", s.warmup_init_lr);
  override_setting(vm, "dropout", s.dropout);
  override_setting(vm, "attention-dropout", s.attention_dropout);
  override_setting(vm, "activation-dropout", s.activation_dropout);
  override_setting(vm, "label-smoothing", s.label_smoothing);
  override_setting(vm, "weight-decay", s.weight_decay);
  override_setting(vm, "clip-norm", s.clip_norm);
  override_setting(vm, "seed", s.seed);
  override_setting(vm, "validate-interval", s.validate_interval_updates);
  override_setting(vm, "save-interval", s.save_interval_updates);
  override_setting(vm, "keep-last", s.keep_last);
  config.log_interval = vm["log-interval"].as<int64_t>();
  config.valid_max_sentences = vm["valid-sentences"].as<int64_t>();
  if (config.log_interval < 1) throw cli::UsageError("--log-interval must be >= 1");

  cli::install_stop_handler();
  cli::StatusLine status;
  status.print(str("hattrain: space '", config.space.space.name, "', data ", config.data_dir.string(),
                   ", ", backend_summary()));
  TrainerEvents events;
  events.on_message = [&](const std::string& m) { status.print("hattrain: " + m); };
  events.on_progress = [&](const TrainProgress& p) {
    const double fraction = p.max_update ? double(p.update) / p.max_update : 1.0;
    char line[256];
    std::snprintf(line, sizeof line, "update %lld/%lld epoch %llu | loss %.3f bits | lr %.3g | %.0f tok/s | %s",
                  static_cast<long long>(p.update), static_cast<long long>(p.max_update),
                  static_cast<unsigned long long>(p.epoch), p.loss_bits, p.lr,
                  p.target_tokens_per_second, cli::format_duration(p.elapsed_seconds).c_str());
    status.update(status.interactive() ? cli::progress_bar(fraction, 20) + " " + line : line);
  };
  events.on_validation = [&](const ValidationRecord& v) {
    char line[160];
    std::snprintf(line, sizeof line, "valid %-8s update %lld: loss %.3f bits, nll %.3f bits (%s)",
                  v.name.c_str(), static_cast<long long>(v.update), v.loss_bits, v.nll_bits,
                  v.arch_hash.c_str());
    status.print(line);
  };
  events.stop_requested = [] { return cli::stop_requested(); };
  const TrainResult result = train(config, events);
  status.print(str("hattrain: ", result.updates, " updates (", result.stop_reason, "); last checkpoint ",
                   result.last_checkpoint.string(), "; metrics ", (config.save_dir / "metrics.csv").string()));
  if (result.stop_reason == "stopped") return 130;
  if (export_to) export_trained(config, result, *export_to);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hattrain", [&] { return run(argc, argv); });
}
