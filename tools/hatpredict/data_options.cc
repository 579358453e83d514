// The options hatpredict's data commands share (commands.h): the data, its setting, training
// and the kernel benchmarks.
#include <iostream>
#include <limits>

#include "devices/error.h"
#include "devices/threads.h"
#include "latency/predict/attach_kernels.h"
#include "latency/predict/predictor.h"
#include "supernet/arch/yaml_fields.h"
#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatpredict {

namespace {

std::string join_sizes(const std::vector<int>& sizes) {
  std::string out;
  for (int n : sizes) {
    if (!out.empty()) out += ',';
    out += std::to_string(n);
  }
  return out;
}

}  // namespace

std::optional<po::variables_map> parse(int argc, char** argv, po::options_description& o,
                                       const char* about) {
  o.add_options()("help,h", "show this help");
  return cli::parse_options(argc, argv, o, about);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> parse_kinds(const std::string& text) {
  std::vector<std::string> kinds;
  if (text == "all") {
    for (const PredictorKind& k : predictor_kinds()) kinds.push_back(k.name);
    return kinds;
  }
  for (const std::string& k : split_list(text)) {
    try {
      check_kind(k);
    } catch (const Error& e) {
      throw cli::UsageError(std::string("--kind: ") + e.what());
    }
    kinds.push_back(k);
  }
  if (kinds.empty()) throw cli::UsageError("--kind: no kind given");
  return kinds;
}

void add_data_options(po::options_description& o) {
  o.add_options()
      ("device", po::value<std::string>(), "device name or alias (its profile gives data and setting)")
      ("data", po::value<std::string>(), "a HAT CSV file or a hatprofile dataset instead of a "
                                          "device's data (a dataset's rows carry their setting)")
      ("vocab", po::value<int64_t>()->default_value(32768), "with a --data CSV: its vocabulary size")
      ("source-length", po::value<int64_t>()->default_value(30), "with a --data CSV: its L (source tokens, decoder steps)")
      ("beam", po::value<int64_t>()->default_value(5), "with a --data CSV: its beam")
      ("qkv", po::value<int64_t>()->default_value(512), "with a --data CSV: its Q/K/V width")
      ("target-scale", po::value<double>()->default_value(0),
       "mlp: target divisor in ms (HAT's --lat-norm; default: the device's, else the largest total)")
      ("seed", po::value<uint64_t>()->default_value(0), "split and training seed")
      ("mlp-steps", po::value<int>()->default_value(5000), "mlp: Adam steps (HAT: 5000)")
      ("residual-members", po::value<int>()->default_value(TrainOptions{}.residual_members),
       "hybrid: nets in the residual's ensemble (each its own seed, outputs averaged)")
      ("residual-hidden", po::value<std::string>()->default_value(join_sizes(TrainOptions{}.residual_hidden)),
       "hybrid: hidden layer sizes of each residual net, comma-separated")
      ("residual-huber", po::value<double>()->default_value(TrainOptions{}.residual_huber),
       "hybrid: Huber threshold of the correction's loss in its spread's units (0: squared error)")
      ("estimate", po::value<std::string>()->default_value("relative"),
       "hybrid, with measurement outliers in the data: typical (the latency without them), mean "
       "(the expected measured latency, HAT's squared-error target) or relative (the least mean "
       "squared relative error over all rows: between the two)")
      ("kernels", po::value<std::string>(),
       "kernel costs of the machine the data was measured on (hatpredict kernels): ops and "
       "hybrid price decoder steps with them; several files, comma-separated (benchmarks "
       "taken across the profiling run), are averaged; none: without (default: the device "
       "profile's file, when it exists)")
      ("threads", po::value<int>()->default_value(1), "CPU threads for training (0: all cores)");
}

InferenceSetting setting_from(const po::variables_map& vm, const std::string& prefix) {
  InferenceSetting s;
  s.vocab_size = vm[prefix + "vocab"].as<int64_t>();
  s.source_length = vm[prefix + "source-length"].as<int64_t>();
  s.beam = vm[prefix + "beam"].as<int64_t>();
  s.qkv_dim = vm[prefix + "qkv"].as<int64_t>();
  if (s.vocab_size < 1 || s.source_length < 1 || s.beam < 1 || s.qkv_dim < 1)
    throw cli::UsageError("--" + prefix + "vocab, --" + prefix + "source-length, --" + prefix +
                          "beam and --" + prefix + "qkv must be >= 1");
  return s;
}

TrainOptions train_options(const po::variables_map& vm, const DeviceProfile* profile) {
  TrainOptions o;
  o.seed = vm["seed"].as<uint64_t>();
  o.mlp_steps = vm["mlp-steps"].as<int>();
  o.residual_huber = vm["residual-huber"].as<double>();
  try {
    o.estimate = parse_latency_estimate(vm["estimate"].as<std::string>());
  } catch (const Error& e) {
    throw cli::UsageError(std::string("--estimate: ") + e.what());
  }
  if (o.residual_huber < 0) throw cli::UsageError("--residual-huber must be >= 0");
  o.residual_members = vm["residual-members"].as<int>();
  if (o.residual_members < 1) throw cli::UsageError("--residual-members must be >= 1");
  o.residual_hidden.clear();
  for (const std::string& size : split_list(vm["residual-hidden"].as<std::string>())) {
    int64_t n = 0;
    if (!arch::parse_int64(size, n) || n < 1 || n > std::numeric_limits<int>::max())
      throw cli::UsageError("--residual-hidden: '" + size + "' is not a positive layer size");
    o.residual_hidden.push_back(static_cast<int>(n));
  }
  if (o.residual_hidden.empty()) throw cli::UsageError("--residual-hidden: give at least one size");
  if (o.mlp_steps < 1) throw cli::UsageError("--mlp-steps must be >= 1");
  o.target_scale_ms = vm["target-scale"].as<double>();
  if (o.target_scale_ms < 0) throw cli::UsageError("--target-scale must be >= 0");
  if (profile) {
    o.device = profile->name;
    if (o.target_scale_ms == 0) o.target_scale_ms = profile->predictor_scale_ms;
  }
  const int threads = vm["threads"].as<int>();
  if (threads < 0) throw cli::UsageError("--threads must be >= 0");
  set_num_threads(threads);
  return o;
}

void attach_kernels(const po::variables_map& vm, PredictorData& data, const DeviceProfile* profile) {
  std::vector<std::string> files;
  if (vm.count("kernels")) {
    if (vm["kernels"].as<std::string>() == "none") return;
    files = split_list(vm["kernels"].as<std::string>());
    if (files.empty()) throw cli::UsageError("--kernels: no file given");
  }
  latency::attach_kernels(std::cout, data, files, profile);
}

}  // namespace hat::hatpredict
