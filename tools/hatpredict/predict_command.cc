// hatpredict predict: a device's (or a file's) predictor on architecture files and model
// directories (latency/predict/prediction_query.h).
#include <iostream>

#include "latency/predict/prediction_query.h"
#include "latency/predict/predictor_file.h"
#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatpredict {

namespace {

std::vector<std::string> strings(const po::variables_map& vm, const char* option) {
  return vm.count(option) ? vm[option].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// A setting given on the command line: at least 1.
std::optional<int64_t> override_of(const po::variables_map& vm, const char* option) {
  if (!vm.count(option)) return std::nullopt;
  const int64_t value = vm[option].as<int64_t>();
  if (value < 1) throw cli::UsageError("--vocab, --qkv, --source-length and --beam must be >= 1");
  return value;
}

}  // namespace

int predict_command(int argc, char** argv) {
  po::options_description o("hatpredict predict");
  o.add_options()
      ("device", po::value<std::string>(), "device: its profile's predictor file")
      ("predictor", po::value<std::string>(), "a predictor file")
      ("arch", po::value<std::vector<std::string>>()->composing(), "architecture YAML file (repeatable)")
      ("model", po::value<std::vector<std::string>>()->composing(),
       "model directory (hatexport's): its architecture, vocabulary and Q/K/V width (repeatable)")
      ("vocab", po::value<int64_t>(), "vocabulary size (default: the model's, else the predictor's data's)")
      ("qkv", po::value<int64_t>(), "Q/K/V width (default: the model's, else the predictor's data's)")
      ("source-length", po::value<int64_t>(), "L (default: the predictor's data's)")
      ("beam", po::value<int64_t>(), "beam (default: the predictor's data's)");
  const auto vm = parse(argc, argv, o,
                        "usage: hatpredict predict --device D | --predictor FILE  --arch CONFIG.yml | --model DIR\n\n"
                        "An architecture file carries no vocabulary or Q/K/V width: give --vocab and --qkv for\n"
                        "a model other than the predictor data's (the default space's: --vocab 8000 --qkv 256),\n"
                        "or --model DIR, which reads them from the model.\n");
  if (!vm) return 0;
  if (!vm->count("arch") && !vm->count("model")) throw cli::UsageError("give --arch CONFIG.yml or --model DIR");
  LatencyPredictor p;
  if (vm->count("predictor"))
    p = load_predictor((*vm)["predictor"].as<std::string>(),
                       vm->count("device") ? resolve_device((*vm)["device"].as<std::string>()).name : "");
  else if (vm->count("device"))
    p = load_device_predictor(resolve_device((*vm)["device"].as<std::string>()));
  else
    throw cli::UsageError("give --device or --predictor");
  const std::vector<PredictionQuery> queries = prediction_queries(
      strings(*vm, "arch"), strings(*vm, "model"), p.setting,
      {override_of(*vm, "vocab"), override_of(*vm, "qkv"), override_of(*vm, "source-length"),
       override_of(*vm, "beam")});
  for (const PredictionQuery& q : queries) print_prediction(std::cout, std::cerr, p, q);
  return 0;
}

}  // namespace hat::hatpredict
