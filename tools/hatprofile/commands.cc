#include "tools/hatprofile/commands.h"

#include "devices/error.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;

namespace hat::hatprofile {

const char* const kAbout =
    "usage: hatprofile [run] [--space NAME|FILE] [--samples N] [--device NAME] [--dataset FILE] ...\n"
    "       hatprofile remote --ssh USER@HOST [--port P] [--identity KEY] --device NAME [run options]\n"
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
    "through devices/profiles (HAT_DEVICE_PROFILES overrides the directory).\n\n"
    "remote profiles a board from here over ssh: copies the board bundle when the board lacks\n"
    "this one (scripts/build-board.sh), runs `hatprofile run` there with the given run options,\n"
    "showing its progress, and merges the board's rows into the device's dataset here. The\n"
    "board keeps every row it measures: after a dropped connection the same command continues.\n";

std::optional<po::variables_map> parse(int argc, char** argv, po::options_description& o) {
  po::options_description help("General");
  help.add_options()("help,h", "show this help");
  o.add(help);
  return cli::parse_options(argc, argv, o, kAbout);
}

std::filesystem::path device_dataset(const po::variables_map& vm,
                                     const latency::DeviceProfile& device) {
  if (vm.count("dataset")) return vm["dataset"].as<std::string>();
  if (device.data_format != latency::LatencyDataFormat::sqlite)
    throw cli::UsageError(str("device '", device.name, "' keeps HAT's CSV data (",
                              device.data_file.string(), "); give --dataset FILE"));
  return device.data_file;
}

latency::DatasetOptions dataset_options(const po::variables_map& vm, bool read_only) {
  latency::DatasetOptions o;
  o.read_only = read_only;
  if (vm.count("busy-timeout"))
    o.busy_timeout_ms = static_cast<int>(
        1000 * cli::parse_duration_seconds(vm["busy-timeout"].as<std::string>(), "--busy-timeout"));
  return o;
}

}  // namespace hat::hatprofile
