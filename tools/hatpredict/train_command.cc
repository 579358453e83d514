// hatpredict train: one predictor trained on a device's data or a file, saved, and scored on its
// test split (latency/predict/train_and_test.h).
#include <filesystem>
#include <iostream>
#include <optional>

#include "latency/predict/device_data.h"
#include "latency/predict/predictor_file.h"
#include "latency/predict/train_and_test.h"
#include "latency/report/evaluation_report.h"
#include "latency/report/metrics_table.h"
#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatpredict {

int train_command(int argc, char** argv) {
  po::options_description o("hatpredict train");
  add_data_options(o);
  o.add_options()
      ("kind", po::value<std::string>()->default_value(kDefaultKind), "mlp, ops or hybrid")
      ("out", po::value<std::string>(), "predictor file (default with --device: the profile's)");
  const auto vm = parse(argc, argv, o, "usage: hatpredict train --device D | --data FILE --kind K --out FILE\n");
  if (!vm) return 0;
  const std::string kind = parse_kinds((*vm)["kind"].as<std::string>()).front();
  std::optional<DeviceProfile> profile;
  if (vm->count("device")) profile = resolve_device((*vm)["device"].as<std::string>());
  else if (!vm->count("data")) throw cli::UsageError("give --device or --data");
  const TrainOptions opt = train_options(*vm, profile ? &*profile : nullptr);
  PredictorData data = vm->count("data")
                           ? load_data_file((*vm)["data"].as<std::string>(), setting_from(*vm))
                           : load_device_data(*profile);
  attach_kernels(*vm, data, vm->count("data") ? nullptr : &*profile);
  print_data_preparation(std::cout, data);
  std::filesystem::path out;
  if (vm->count("out")) out = (*vm)["out"].as<std::string>();
  else if (profile) out = profile->predictor_file;
  else throw cli::UsageError("give --out FILE (or --device, whose profile names the file)");
  const TestedPredictor trained = train_and_test(kind, data, opt);
  if (!out.parent_path().empty()) std::filesystem::create_directories(out.parent_path());
  save_predictor(out, trained.predictor);
  std::cout << kind << " predictor trained on " << trained.train_rows << " rows of " << data.source
            << " -> " << out.string() << "\n";
  print_metrics_header(std::cout);
  print_metrics_row(std::cout, kind, trained.test);
  return 0;
}

}  // namespace hat::hatpredict
