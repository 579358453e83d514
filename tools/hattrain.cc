// hattrain: trains HAT's weight-sharing SuperTransformer (or, with --arch, one SubTransformer,
// from scratch or fine-tuned from a model directory) on a data directory. A thin main: parse
// options, call hat::train, print progress, export the result when asked.
#include <boost/program_options.hpp>

#include <iostream>

#include "devices/backends.h"
#include "devices/error.h"
#include "devices/threads.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/export/model_config.h"
#include "supernet/export/trained_export.h"
#include "supernet/train/train_lines.h"
#include "supernet/train/trainer.h"
#include "tools/cli/cli.h"
#include "tools/cli/train_options.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hattrain [--data DIR] [--space NAME|FILE] [--save-dir DIR] [options]\n\n"
    "Trains HAT's weight-sharing SuperTransformer: every update samples one SubTransformer of\n"
    "the search space uniformly (seeded by the update number) and trains its slice of the\n"
    "shared weights, after the space's largest-first-updates, which train the largest alone\n"
    "(the default space: 500 of 1,500). With --arch, trains one fixed SubTransformer (a\n"
    "from-scratch baseline) inside the SuperTransformer; with --init DIR (a model directory\n"
    "from hatexport), fine-tunes that model's SubTransformer from its inherited weights (HAT's\n"
    "Table 6). --export DIR ends a fixed-architecture run by exporting its best checkpoint (the\n"
    "last without validation) into a model directory. Checkpoints and metrics.csv go to\n"
    "--save-dir; a killed run continues with --resume.\n";

int run(int argc, char** argv) {
  const auto parsed = cli::parse_options(argc, argv, cli::train_options(), kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;

  set_num_threads(vm["threads"].as<int>());
  train::TrainerConfig config;
  config.data_dir = vm["data"].as<std::string>();
  config.space = arch::load_space_file(vm["space"].as<std::string>());
  arch::TrainSettings& s = config.settings = config.space.settings;
  // Reporting defaults sized for the default space; HAT's spaces train for days.
  s.validate_interval_updates = s.save_interval_updates = 250;
  s.keep_last = 3;
  if (vm.count("arch")) config.arch = arch::arch_from_spec(vm["arch"].as<std::string>(), config.space.space);
  if (vm.count("init")) {
    config.init_model = vm["init"].as<std::string>();
    const arch::ArchConfig own = standalone::read_model_config(*config.init_model).arch;
    if (config.arch && *config.arch != own)
      throw cli::UsageError(str("--arch ", vm["arch"].as<std::string>(), " (",
                                arch::arch_hash(*config.arch),
                                ") is not the architecture of --init ", config.init_model->string(),
                                " (", arch::arch_hash(own), ")"));
    config.arch = own;
  }
  std::optional<standalone::ExportOptions> export_to;
  if (vm.count("export")) {
    if (!config.arch) throw cli::UsageError("--export needs a fixed SubTransformer: --arch or --init");
    export_to = standalone::ExportOptions{
        vm["export"].as<std::string>(), vm["export-force"].as<bool>(), {}};
    // Refused now rather than after the training.
    if (std::filesystem::exists(export_to->out) && !export_to->force)
      throw cli::UsageError("--export " + export_to->out.string() +
                            " already exists; pass --export-force to replace it");
  }
  config.save_dir = vm.count("save-dir")
                        ? vm["save-dir"].as<std::string>()
                        : "checkpoints/" + config.space.space.name +
                              (config.arch ? "-" + arch::arch_hash(*config.arch) : std::string());
  config.resume = vm["resume"].as<bool>();
  if (vm.count("time-budget"))
    config.time_budget_seconds = cli::parse_duration_seconds(vm["time-budget"].as<std::string>(), "time-budget");
  cli::override_training_settings(vm, s);
  config.log_interval = vm["log-interval"].as<int64_t>();
  config.valid_max_sentences = vm["valid-sentences"].as<int64_t>();
  if (config.log_interval < 1) throw cli::UsageError("--log-interval must be >= 1");

  cli::install_stop_handler();
  cli::StatusLine status;
  status.print(str("hattrain: space '", config.space.space.name, "', data ", config.data_dir.string(),
                   ", ", backend_summary()));
  train::TrainerEvents events;
  events.on_message = [&](const std::string& m) { status.print("hattrain: " + m); };
  events.on_progress = [&](const train::TrainProgress& p) {
    const std::string line =
        train::format_progress_line(p, cli::format_duration(p.elapsed_seconds));
    const double fraction = p.max_update ? double(p.update) / p.max_update : 1.0;
    status.update(status.interactive() ? cli::progress_bar(fraction, 20) + " " + line : line);
  };
  events.on_validation = [&](const train::ValidationRecord& v) {
    status.print(train::format_validation_line(v));
  };
  events.stop_requested = [] { return cli::stop_requested(); };
  const train::TrainResult result = train::train(config, events);
  status.print("hattrain: " + train::format_train_result(result, config.save_dir));
  if (result.stop_reason == "stopped") return 130;
  if (!export_to) return 0;
  const auto warn = [](const std::string& m) { std::cerr << "hattrain: warning: " << m << "\n"; };
  const standalone::TrainedExport e = standalone::export_trained_model(
      config.save_dir, result.last_checkpoint, config.data_dir, *config.arch, *export_to, warn);
  std::cout << "hattrain: exported " << e.checkpoint.string() << " to " << e.summary.dir.string() << ": "
            << e.summary.parameters << " parameters (" << e.summary.parameters_without_embeddings
            << " without embeddings)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hattrain", [&] { return run(argc, argv); });
}
