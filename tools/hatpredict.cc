// hatpredict: trains, evaluates and queries latency predictors per device (latency/predict), and
// measures this machine (latency/measure). The main dispatches to the commands
// (tools/hatpredict/); they parse options and call the library.
#include <iostream>
#include <string>

#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

using namespace hat;
using namespace hat::hatpredict;

namespace {

constexpr const char* kAbout =
    "usage: hatpredict COMMAND [options]   (hatpredict COMMAND --help for its options)\n\n"
    "  train     --device D | --data FILE.csv   --kind K --out FILE\n"
    "            train a predictor on the 80% training split (seed 0) and print its test metrics\n"
    "  eval      --device D[,D...]|all | --data FILE.csv   [--kind mlp,hybrid|all]\n"
    "            [--extrapolate] [--published]\n"
    "            metrics of each kind on the same test split: RMSE, MAPE, within 5%/10%,\n"
    "            Kendall tau, Spearman rho; all test rows and without measurement outliers\n"
    "  predict   --device D | --predictor FILE   --arch CONFIG.yml [--arch ...]\n"
    "            latency in ms (encoder/decoder split where the kind gives it)\n"
    "  transfer  --data A.csv --vocab V --beam B  --to-data B.csv --to-vocab V --to-beam B\n"
    "            fit on one inference setting, score on another (MAPE)\n"
    "  measure   --vocab V --beam B --out FILE.csv [--space wmt14.en-de --archs 30]\n"
    "            HAT-protocol latency rows of this machine (random weights), HAT's CSV format\n"
    "  kernels   --out FILE.json [--threads N]\n"
    "            micro-benchmarks of this machine's decoder-step kernels (GEMMs in and out of\n"
    "            cache, attention, log-softmax); --kernels FILE lets ops and hybrid price decoder\n"
    "            steps with them, which transfers to other vocabularies and beams\n\n"
    "Kinds: mlp (HAT's predictor), ops (operator model), hybrid (default: ops x learned residual).\n";

int run(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kAbout;
    if (argc < 2) throw cli::UsageError("no command given (train, eval, predict, transfer, measure, kernels)");
    return 0;
  }
  const std::string command = argv[1];
  argv[1] = argv[0];  // the command's options parse as if it were the program
  if (command == "eval") return eval_command(argc - 1, argv + 1);
  if (command == "train") return train_command(argc - 1, argv + 1);
  if (command == "predict") return predict_command(argc - 1, argv + 1);
  if (command == "transfer") return transfer_command(argc - 1, argv + 1);
  if (command == "measure") return measure_command(argc - 1, argv + 1);
  if (command == "kernels") return kernels_command(argc - 1, argv + 1);
  throw cli::UsageError("unknown command '" + command + "' (train, eval, predict, transfer, measure, kernels)");
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatpredict", [&] { return run(argc, argv); });
}
