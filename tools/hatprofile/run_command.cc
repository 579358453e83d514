// hatprofile run: the model latency/measure/profiled_model.h opens, measured by
// latency/measure/profile_run.h into the dataset, with a status line.
#include <chrono>
#include <iostream>
#include <optional>

#include "devices/error.h"
#include "devices/threads.h"
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
  const std::string dataset_path = device_dataset(vm, device).string();
  ProfileRunConfig config = run_config(vm, device);
  set_num_threads(config.threads);
  const int pool = num_threads();

  // The model: a model directory, a checkpoint's SuperTransformer, or random weights.
  const std::optional<standalone::ModelChoice> choice = cli::optional_model_choice(vm);
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
