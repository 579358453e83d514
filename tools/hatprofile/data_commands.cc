// hatprofile import-csv, export-csv, merge and stats: a latency dataset's data in and out
// (latency/dataset/), and its per-device statistics (latency/report/dataset_stats_table.h).
#include <iostream>
#include <string>
#include <vector>

#include "devices/error.h"
#include "latency/dataset/stats.h"
#include "latency/device_profile.h"
#include "latency/report/dataset_stats_table.h"
#include "tools/cli/cli.h"
#include "tools/hatprofile/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatprofile {

int import_command(int argc, char** argv) {
  po::options_description o("import-csv: HAT's latency CSV into a dataset");
  o.add_options()
      ("csv", po::value<std::string>()->required(), "HAT's CSV file")
      ("device", po::value<std::string>()->required(), "device profile (name or alias)")
      ("dataset", po::value<std::string>()->required(), "SQLite dataset (created when missing)")
      ("busy-timeout", po::value<std::string>()->default_value("10s"), "lock wait");
  const auto parsed = parse(argc, argv, o);
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
  const auto parsed = parse(argc, argv, o);
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
  const auto parsed = parse(argc, argv, o);
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
  const auto parsed = parse(argc, argv, o);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const std::string path = vm.count("dataset") ? vm["dataset"].as<std::string>()
                                               : resolve_device("host").data_file.string();
  LatencyDataset dataset(path, dataset_options(vm, true));
  print_dataset_stats(std::cout, path, dataset_stats(dataset));
  return 0;
}

}  // namespace hat::hatprofile
