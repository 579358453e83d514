// hatpredict transfer: fit on one inference setting's rows, score on another's
// (latency/report/transfer_table.h).
#include <iostream>

#include "latency/predict/device_data.h"
#include "latency/predict/evaluation.h"
#include "latency/report/evaluation_report.h"
#include "latency/report/metrics_table.h"
#include "latency/report/predictions_csv.h"
#include "latency/report/transfer_table.h"
#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatpredict {

int transfer_command(int argc, char** argv) {
  po::options_description o("hatpredict transfer");
  add_data_options(o);
  o.add_options()
      ("to-data", po::value<std::string>(), "HAT CSV file or hatprofile dataset measured at the other setting")
      ("to-vocab", po::value<int64_t>()->default_value(32768), "its vocabulary size")
      ("to-source-length", po::value<int64_t>()->default_value(30), "its L")
      ("to-beam", po::value<int64_t>()->default_value(5), "its beam")
      ("to-qkv", po::value<int64_t>()->default_value(512), "its Q/K/V width")
      ("also-data", po::value<std::string>(), "a second training file or dataset (another setting)")
      ("also-vocab", po::value<int64_t>()->default_value(32768), "its vocabulary size")
      ("also-source-length", po::value<int64_t>()->default_value(30), "its L")
      ("also-beam", po::value<int64_t>()->default_value(5), "its beam")
      ("also-qkv", po::value<int64_t>()->default_value(512), "its Q/K/V width")
      ("kind", po::value<std::string>()->default_value("ops,hybrid,mlp"), "kinds")
      ("predictions", po::value<std::string>(),
       "write every target row's measured and predicted latencies to this CSV");
  const auto vm = parse(argc, argv, o, "usage: hatpredict transfer --data A.csv --vocab V --beam B --to-data B.csv --to-vocab V --to-beam B\n");
  if (!vm) return 0;
  if (!vm->count("data") || !vm->count("to-data")) throw cli::UsageError("give --data and --to-data");
  const TrainOptions opt = train_options(*vm, nullptr);
  PredictorData from = load_data_file((*vm)["data"].as<std::string>(), setting_from(*vm));
  if (vm->count("also-data")) {  // rows carry their own setting, so two files simply join
    const PredictorData also =
        load_data_file((*vm)["also-data"].as<std::string>(), setting_from(*vm, "also-"));
    from.rows.insert(from.rows.end(), also.rows.begin(), also.rows.end());
    from.source += " + " + also.source;
  }
  PredictorData to = load_data_file((*vm)["to-data"].as<std::string>(), setting_from(*vm, "to-"));
  attach_kernels(*vm, from);  // the same machine: the other setting's rows are priced alike
  to.kernels = from.kernels;
  print_data_preparation(std::cout, from);
  print_data_preparation(std::cout, to);
  print_transfer_settings(std::cout, from, to);
  print_metrics_header(std::cout);
  std::vector<KindEvaluation> kinds;
  for (const std::string& k : parse_kinds((*vm)["kind"].as<std::string>())) {
    kinds.push_back(evaluate_transfer(k, from, to, opt));
    print_metrics_row(std::cout, k, kinds.back().all);
  }
  print_transfer_report(std::cout, from, to, kinds, opt.seed);
  if (vm->count("predictions"))
    write_predictions(std::cout, (*vm)["predictions"].as<std::string>(), to, every_row(to),
                      transfer_target_outliers(to, opt), kinds);
  return 0;
}

}  // namespace hat::hatpredict
