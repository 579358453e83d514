// Latency predictions per second on one core, per kind, through the search's call
// (predictor.predict(ArchConfig): features, operator terms, networks). Target (issue 7): the
// default kind >= 100,000 predictions/s. Predictors are trained here on a device's data (the
// speed does not depend on how long they trained) or loaded with --predictor.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "devices/threads.h"
#include "latency/device_profile.h"
#include "latency/predict/device_data.h"
#include "latency/predict/predictor_file.h"
#include "latency/predict/training.h"
#include "supernet/arch/space_file.h"
#include "tools/cli/cli.h"

namespace {

using namespace hat;
using namespace hat::latency;

struct Options {
  std::string device = "xeon";
  std::string predictor;
  std::string space = "wmt14.en-de";
  int archs = 20000;
  int repeats = 7;
};

constexpr const char* kAbout =
    "usage: bench_predict [--device D] [--predictor FILE] [--archs N] [--repeats N]\n"
    "Times predictor.predict(ArchConfig) over N random SubTransformers of a space on one thread,\n"
    "for each kind trained on the device's data (short training: speed only) or for one file.\n"
    "Reports the median predictions/s over the repeats.\n";

std::optional<Options> parse(int argc, char** argv) {
  namespace po = boost::program_options;
  Options o;
  po::options_description options("Options");
  options.add_options()
      ("device", po::value(&o.device)->default_value(o.device), "device whose data train the predictors")
      ("predictor", po::value(&o.predictor), "time this predictor file only")
      ("space", po::value(&o.space)->default_value(o.space), "space the architectures are drawn from")
      ("archs", po::value(&o.archs)->default_value(o.archs), "architectures per repeat")
      ("repeats", po::value(&o.repeats)->default_value(o.repeats), "timed repeats, median reported")
      ("help,h", "show this help");
  if (!cli::parse_options(argc, argv, options, kAbout)) return std::nullopt;
  if (o.archs < 1 || o.repeats < 1) throw cli::UsageError("--archs and --repeats must be >= 1");
  return o;
}

void time_predictor(const LatencyPredictor& p, const std::vector<arch::ArchConfig>& archs,
                    int repeats) {
  std::vector<double> rates;
  double sink = 0;
  for (int r = 0; r < repeats + 1; ++r) {
    const double s = bench::seconds([&] {
      for (const arch::ArchConfig& a : archs) sink += p.predict(a).total_ms;
    });
    if (r > 0) rates.push_back(static_cast<double>(archs.size()) / s);  // first: warm-up
  }
  std::printf("%-8s %12.0f predictions/s (median of %d; %.2f us each)  [checksum %.6g]\n",
              p.kind.c_str(), bench::median(rates), repeats, 1e6 / bench::median(rates), sink);
}

int run(int argc, char** argv) {
  const auto o = parse(argc, argv);
  if (!o) return 0;
  set_num_threads(1);
  const arch::SpaceFile space = arch::load_space_file(o->space);
  std::vector<arch::ArchConfig> archs;
  for (int i = 0; i < o->archs; ++i)
    archs.push_back(arch::sample_arch(space.space, static_cast<uint64_t>(i)));
  if (!o->predictor.empty()) {
    time_predictor(load_predictor(o->predictor), archs, o->repeats);
    return 0;
  }
  const DeviceProfile profile = resolve_device(o->device);
  const PredictorData data = load_device_data(profile);
  const DataSplit split = split_rows(data.rows.size(), 0);
  TrainOptions t;
  t.mlp_steps = 50;
  t.residual_steps = 200;
  t.target_scale_ms = profile.predictor_scale_ms;
  std::printf("device %s, %d architectures of %s, one thread\n", profile.name.c_str(), o->archs,
              o->space.c_str());
  for (const PredictorKind& k : predictor_kinds())
    time_predictor(train_predictor(k.name, data, split.train, split.valid, t), archs, o->repeats);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("bench_predict", [&] { return run(argc, argv); });
}
