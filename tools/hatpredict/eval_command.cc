// hatpredict eval: each predictor kind's held-out metrics on one or more devices' data or a
// file (latency/report/evaluation_report.h prints them).
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "latency/predict/device_data.h"
#include "latency/report/evaluation_report.h"
#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatpredict {

int eval_command(int argc, char** argv) {
  po::options_description o("hatpredict eval");
  add_data_options(o);
  o.add_options()
      ("kind", po::value<std::string>()->default_value(std::string("mlp,") + kDefaultKind),
       "kinds to compare, comma-separated, or all")
      ("extrapolate", po::bool_switch(), "also train on embed 640 / decoder layers 1-3 and predict "
                                         "embed 512 / layers 4-6")
      ("published", po::bool_switch(), "also predict HAT's published SubTransformers of the device")
      ("splits", po::value<int>()->default_value(1),
       "also evaluate this many splits (seeds --seed, --seed + 1, ...) and print each kind's mean "
       "metrics and on how many splits it beat mlp: one split's test rows are few")
      ("predictions", po::value<std::string>(),
       "write every test row's measured and predicted totals to this CSV (one device)");
  const auto vm = parse(argc, argv, o, "usage: hatpredict eval --device D[,D...]|all | --data FILE [options]\n");
  if (!vm) return 0;
  EvaluationReportOptions report;
  report.kinds = parse_kinds((*vm)["kind"].as<std::string>());
  report.splits = (*vm)["splits"].as<int>();
  if (report.splits < 1) throw cli::UsageError("--splits must be >= 1");
  report.extrapolate = (*vm)["extrapolate"].as<bool>();
  if (vm->count("predictions")) report.predictions = (*vm)["predictions"].as<std::string>();
  if (vm->count("data")) {
    const TrainOptions opt = train_options(*vm, nullptr);
    PredictorData data = load_data_file((*vm)["data"].as<std::string>(), setting_from(*vm));
    attach_kernels(*vm, data);
    report_evaluation(std::cout, std::cerr, data.source, data, opt, report);
    return 0;
  }
  if (!vm->count("device")) throw cli::UsageError("give --device or --data");
  std::vector<DeviceProfile> devices;
  const std::string names = (*vm)["device"].as<std::string>();
  if (names == "all") devices = known_devices();
  else
    for (const std::string& n : split_list(names)) devices.push_back(resolve_device(n));
  if (report.predictions && devices.size() != 1)
    throw cli::UsageError("--predictions writes one device's rows: give one --device");
  for (const DeviceProfile& profile : devices) {
    if (names == "all" && !std::filesystem::exists(profile.data_file)) {
      std::cout << profile.name << ": no data yet (" << profile.data_file.string() << ")\n\n";
      continue;
    }
    const TrainOptions opt = train_options(*vm, &profile);
    PredictorData data = load_device_data(profile);
    attach_kernels(*vm, data, &profile);
    report.published = (*vm)["published"].as<bool>() ? &profile : nullptr;
    report_evaluation(std::cout, std::cerr, profile.name + " (" + data.source + ")", data, opt, report);
    std::cout << "\n";
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace hat::hatpredict
