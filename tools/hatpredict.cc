// hatpredict: trains, evaluates and queries latency predictors per device (latency/predict). A thin
// main: parse options, resolve the device, call the library, print.
#include <boost/program_options.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "devices/error.h"
#include "devices/threads.h"
#include "latency/device_profile.h"
#include "latency/hat_csv.h"
#include "latency/host_info.h"
#include "latency/kernel_benchmark.h"
#include "latency/predict/device_data.h"
#include "latency/predict/evaluation.h"
#include "latency/predict/host_measure.h"
#include "latency/predict/predictor_file.h"
#include "latency/predict/published.h"
#include "latency/predict/transfer_report.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/yaml_fields.h"
#include "util/atomic_file.h"
#include "supernet/export/model_config.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;
using namespace hat::latency;

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

std::string join_sizes(const std::vector<int>& sizes) {
  std::string out;
  for (int n : sizes) {
    if (!out.empty()) out += ',';
    out += std::to_string(n);
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

// Options every command that reads data shares.
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

// --kernels: attached to the data its rows were measured with. Without it, the device
// profile's kernel benchmarks when that file exists and was measured on this CPU (a profile
// names a file of its own machine); --kernels none: no benchmarks.
void attach_kernels(const po::variables_map& vm, PredictorData& data,
                    const DeviceProfile* profile = nullptr) {
  std::vector<std::string> files;
  const char* why = "";
  if (vm.count("kernels")) {
    if (vm["kernels"].as<std::string>() == "none") return;
    files = split_list(vm["kernels"].as<std::string>());
    if (files.empty()) throw cli::UsageError("--kernels: no file given");
  } else if (profile && !profile->kernels_file.empty() && std::filesystem::exists(profile->kernels_file)) {
    files = {profile->kernels_file.string()};
    why = ", the device profile's (--kernels none: without)";
  } else {
    return;
  }
  std::vector<KernelCosts> runs;
  for (const std::string& file : files) runs.push_back(load_kernel_costs(file));
  if (*why) {  // the profile's file: only this machine's CPU model (whatever cores it may use)
    const std::string cpu = cpu_description();
    if (cpu_model(runs.front().host) != cpu_model(cpu)) {
      std::printf("%s: %s holds kernel benchmarks of %s, not of this machine (%s): not used\n",
                  data.source.c_str(), files.front().c_str(), runs.front().host.c_str(), cpu.c_str());
      return;
    }
  }
  data.kernels = std::make_shared<const KernelCosts>(average_kernel_costs(runs));
  std::printf("%s: decoder steps priced by %zu kernel benchmark%s (%s, %d thread%s%s)\n",
              data.source.c_str(), runs.size(), runs.size() == 1 ? "" : "s (averaged)",
              data.kernels->host.c_str(), data.kernels->threads,
              data.kernels->threads == 1 ? "" : "s", why);
}

InferenceSetting setting_from(const po::variables_map& vm, const std::string& prefix = "") {
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
    if (!parse_int64(size, n) || n < 1 || n > std::numeric_limits<int>::max())
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

std::string pct(double v) { return str(static_cast<double>(static_cast<int64_t>(v * 1000 + 0.5)) / 10, "%"); }

void print_metrics_header() {
  std::printf("  %-8s %10s %7s %7s %7s %7s %7s\n", "kind", "RMSE ms", "MAPE", "<=5%", "<=10%",
              "tau", "rho");
}

void print_metrics_row(const std::string& kind, const PredictionMetrics& m) {
  std::printf("  %-8s %10.2f %6.2f%% %6.1f%% %6.1f%% %7.4f %7.4f\n", kind.c_str(), m.rmse_ms,
              100 * m.mape, 100 * m.within5, 100 * m.within10, m.kendall_tau, m.spearman_rho);
}

// "better on every metric", or which metrics tie and which are worse.
std::string describe_comparison(const PredictionMetrics& a, const PredictionMetrics& b) {
  const std::array<int, kComparedMetrics> c = compare_metrics(a, b);
  std::string tied, worse;
  for (int m = 0; m < kComparedMetrics; ++m) {
    std::string& list = c[m] == 0 ? tied : worse;
    if (c[m] <= 0) list += std::string(list.empty() ? "" : ", ") + kComparedMetricNames[m];
  }
  if (tied.empty() && worse.empty()) return "better on every metric";
  std::string out = "NOT better on every metric:";
  if (!worse.empty()) out += " worse on " + worse + (tied.empty() ? "" : ";");
  if (!tied.empty()) out += " tied on " + tied;
  return out;
}

// Says when measurements were brought to their run's typical machine speed (hatprofile run
// --reference) and when repeats of an architecture were merged (hatprofile run --passes).
void print_data_preparation(const PredictorData& data) {
  if (data.speed_normalised_rows > 0)
    std::printf("%s: %zu measurements scaled to their run's typical machine speed by the reference "
                "timed before each (factors %.3f-%.3f)\n",
                data.source.c_str(), data.speed_normalised_rows, data.speed_factor_min,
                data.speed_factor_max);
  if (data.merged_repeats > 0)
    std::printf("%s: %zu repeated measurements merged: each of the %zu rows is its "
                "architecture's median\n",
                data.source.c_str(), data.merged_repeats, data.rows.size());
}

void print_evaluation(const std::string& name, const Evaluation& ev) {
  std::printf("%s: %zu rows: train %zu, valid %zu, test %zu; %zu rows flagged as measurement "
              "outliers (%zu in test)\n",
              name.c_str(), ev.train_rows + ev.valid_rows + ev.test_rows, ev.train_rows,
              ev.valid_rows, ev.test_rows, ev.outliers, ev.test_outliers);
  std::printf(" all %zu test rows:\n", ev.test_rows);
  print_metrics_header();
  for (const KindEvaluation& k : ev.kinds) print_metrics_row(k.kind, k.all);
  std::printf(" without the %zu outlier rows (%zu test rows):\n", ev.test_outliers,
              ev.test_rows - ev.test_outliers);
  print_metrics_header();
  for (const KindEvaluation& k : ev.kinds) print_metrics_row(k.kind, k.clean);
  const KindEvaluation* mlp = nullptr;
  for (const KindEvaluation& k : ev.kinds)
    if (k.kind == "mlp") mlp = &k;
  if (mlp)
    for (const KindEvaluation& k : ev.kinds)
      if (k.kind != "mlp")
        std::printf(" %s against mlp: all rows %s; without outliers %s\n", k.kind.c_str(),
                    describe_comparison(k.all, mlp->all).c_str(),
                    describe_comparison(k.clean, mlp->clean).c_str());
}

// --splits: each kind's mean metrics over the splits, and on how many each kind beat mlp.
void print_splits(const std::vector<Evaluation>& evaluations, uint64_t first_seed) {
  const std::vector<KindOverSplits> kinds = summarize_splits(evaluations, "mlp");
  const size_t n = evaluations.size();
  std::printf(" over %zu splits (seeds %llu-%llu), each metric's mean:\n", n,
              static_cast<unsigned long long>(first_seed),
              static_cast<unsigned long long>(first_seed + n - 1));
  const bool has_mlp = std::any_of(kinds.begin(), kinds.end(),
                                   [](const KindOverSplits& k) { return k.kind == "mlp"; });
  const auto wins = [&](const std::string& kind, const SplitsSummary& s) {
    std::string line;
    for (int m = 0; m < kComparedMetrics; ++m) {
      line += str(m ? ", " : "", kComparedMetricNames[m], " ", s.better[m]);
      if (s.tied[m]) line += str(" (", s.tied[m], " tied)");
    }
    std::printf("  splits where %s beats mlp (of %zu): %s; on all six: %d\n", kind.c_str(), n,
                line.c_str(), s.better_on_all_metrics);
  };
  const bool any_outliers = std::any_of(evaluations.begin(), evaluations.end(),
                                        [](const Evaluation& ev) { return ev.test_outliers > 0; });
  for (const bool clean : {false, true}) {
    if (clean && !any_outliers) break;
    std::printf(clean ? " without outlier rows:\n" : " all test rows:\n");
    print_metrics_header();
    for (const KindOverSplits& k : kinds) print_metrics_row(k.kind, (clean ? k.clean : k.all).mean);
    if (!has_mlp) continue;
    for (const KindOverSplits& k : kinds)
      if (k.kind != "mlp") wins(k.kind, clean ? k.clean : k.all);
  }
}

// --predictions: one line per scored row (its index in the data, measured encoder, decoder and
// total, whether it is an outlier, then each kind's predicted total, and its encoder and decoder
// where the kind splits them; empty where not), written atomically.
void write_predictions(const std::filesystem::path& file, const PredictorData& data,
                       const std::vector<size_t>& rows, const std::vector<bool>& outlier,
                       const std::vector<KindEvaluation>& kinds) {
  const auto ms = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4f", v);
    return std::string(buffer);
  };
  std::string csv = "row,measured_encoder_ms,measured_decoder_ms,measured_ms,outlier";
  for (const KindEvaluation& k : kinds)
    csv += str(",", k.kind, "_ms,", k.kind, "_encoder_ms,", k.kind, "_decoder_ms");
  csv += "\n";
  for (size_t row : rows) {
    const PredictorRow& r = data.rows[row];
    csv += str(row, ",", ms(r.encoder_ms), ",", ms(r.decoder_ms), ",", ms(r.total_ms()), ",",
               outlier[row] ? 1 : 0);
    for (const KindEvaluation& k : kinds) {
      const LatencyPrediction p = k.predictor.predict(r.arch);
      csv += str(",", ms(p.total_ms), ",");
      if (p.has_split) csv += str(ms(p.encoder_ms), ",", ms(p.decoder_ms));
      else csv += ",";
    }
    csv += "\n";
  }
  util::write_file_atomically(file, csv);
  std::printf(" predictions of %zu rows -> %s\n", rows.size(), file.string().c_str());
}

// HAT's published SubTransformers of this device: file-name latency against each kind.
void print_published(const DeviceProfile& profile, const InferenceSetting& setting,
                     const Evaluation& ev) {
  std::vector<PublishedArch> archs;
  for (const PublishedArch& p :
       read_published_archs(published_configs_directory() / "wmt14.en-de" / "subtransformer"))
    if (profile.matches(p.device)) archs.push_back(p);
  if (archs.empty()) return;
  std::printf(" HAT's published SubTransformers for %s (latency from the file name):\n",
              profile.name.c_str());
  std::printf("  %-44s %10s", "config", "HAT ms");
  for (const KindEvaluation& k : ev.kinds) std::printf(" %10s %7s", k.kind.c_str(), "err");
  std::printf("\n");
  for (const PublishedArch& p : archs) {
    std::printf("  %-44s %10.1f", p.file.filename().string().c_str(), p.latency_ms);
    for (const KindEvaluation& k : ev.kinds) {
      const double ms = k.predictor.predict(summarize_arch(p.arch, setting)).total_ms;
      std::printf(" %10.1f %+6.1f%%", ms, 100 * (ms - p.latency_ms) / p.latency_ms);
    }
    std::printf("\n");
  }
}

void print_extrapolation(const std::vector<ExtrapolationCase>& cases) {
  for (const ExtrapolationCase& c : cases) {
    if (c.kinds.empty()) {
      std::printf(" extrapolation %s: not enough rows\n", c.name.c_str());
      continue;
    }
    std::printf(" extrapolation %s (train %zu rows, test %zu, %zu outliers):", c.name.c_str(),
                c.train_rows, c.test_rows, c.test_outliers);
    for (const KindEvaluation& k : c.kinds)
      std::printf("  %s MAPE %s (%s without outliers)", k.kind.c_str(), pct(k.all.mape).c_str(),
                  pct(k.clean.mape).c_str());
    std::printf("\n");
  }
}

std::optional<po::variables_map> parse(int argc, char** argv, po::options_description& o,
                                       const char* about) {
  o.add_options()("help,h", "show this help");
  return cli::parse_options(argc, argv, o, about);
}

int cmd_eval(int argc, char** argv) {
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
  const std::vector<std::string> kinds = parse_kinds((*vm)["kind"].as<std::string>());
  const int splits = (*vm)["splits"].as<int>();
  if (splits < 1) throw cli::UsageError("--splits must be >= 1");
  // One data set: the table of the first split, the other outputs asked for, then the splits.
  const auto evaluate = [&](const std::string& name, const PredictorData& data,
                            const TrainOptions& opt, const DeviceProfile* profile) {
    print_data_preparation(data);
    const Evaluation ev = evaluate_kinds(data, kinds, opt);
    print_evaluation(name, ev);
    if (profile && (*vm)["published"].as<bool>()) print_published(*profile, data.setting, ev);
    if (vm->count("predictions"))
      write_predictions((*vm)["predictions"].as<std::string>(), data, ev.test, ev.outlier, ev.kinds);
    if ((*vm)["extrapolate"].as<bool>()) print_extrapolation(evaluate_extrapolation(data, kinds, opt));
    if (splits > 1) {
      std::fflush(stdout);
      TrainOptions next = opt;
      next.seed = opt.seed + 1;
      std::vector<Evaluation> all = {ev};
      for (Evaluation& e : evaluate_kinds_over_splits(data, kinds, next, splits - 1, [&](int done, int) {
             std::fprintf(stderr, "hatpredict: %s: split %d of %d done\n", name.c_str(), done + 1, splits);
           }))
        all.push_back(std::move(e));
      print_splits(all, opt.seed);
    }
  };
  if (vm->count("data")) {
    const TrainOptions opt = train_options(*vm, nullptr);
    PredictorData data = load_data_file((*vm)["data"].as<std::string>(), setting_from(*vm));
    attach_kernels(*vm, data);
    evaluate(data.source, data, opt, nullptr);
    return 0;
  }
  if (!vm->count("device")) throw cli::UsageError("give --device or --data");
  std::vector<DeviceProfile> devices;
  const std::string names = (*vm)["device"].as<std::string>();
  if (names == "all") devices = known_devices();
  else
    for (const std::string& n : split_list(names)) devices.push_back(resolve_device(n));
  if (vm->count("predictions") && devices.size() != 1)
    throw cli::UsageError("--predictions writes one device's rows: give one --device");
  for (const DeviceProfile& profile : devices) {
    if (names == "all" && !std::filesystem::exists(profile.data_file)) {
      std::printf("%s: no data yet (%s)\n\n", profile.name.c_str(), profile.data_file.string().c_str());
      continue;
    }
    const TrainOptions opt = train_options(*vm, &profile);
    PredictorData data = load_device_data(profile);
    attach_kernels(*vm, data, &profile);
    evaluate(profile.name + " (" + data.source + ")", data, opt, &profile);
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

int cmd_train(int argc, char** argv) {
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
  print_data_preparation(data);
  std::filesystem::path out;
  if (vm->count("out")) out = (*vm)["out"].as<std::string>();
  else if (profile) out = profile->predictor_file;
  else throw cli::UsageError("give --out FILE (or --device, whose profile names the file)");
  if (data.rows.size() < kMinTrainingRows * 10 / 8 + 2)
    throw Error(str(data.source, ": ", data.rows.size(), " rows; training needs at least ",
                    kMinTrainingRows * 10 / 8 + 2, " (80/10/10 split, ", kMinTrainingRows,
                    " training rows)"));
  const DataSplit split = split_rows(data.rows.size(), opt.seed);
  const LatencyPredictor p = train_predictor(kind, data, split.train, split.valid, opt);
  std::vector<double> measured;
  for (size_t i : split.test) measured.push_back(data.rows[i].total_ms());
  const PredictionMetrics m = compute_metrics(predict_totals(p, data, split.test), measured);
  if (!out.parent_path().empty()) std::filesystem::create_directories(out.parent_path());
  save_predictor(out, p);
  std::printf("%s predictor trained on %zu rows of %s -> %s\n", kind.c_str(), split.train.size(),
              data.source.c_str(), out.string().c_str());
  print_metrics_header();
  print_metrics_row(kind, m);
  return 0;
}

int cmd_predict(int argc, char** argv) {
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
  if (vm->count("predictor")) {
    p = load_predictor((*vm)["predictor"].as<std::string>(),
                       vm->count("device") ? resolve_device((*vm)["device"].as<std::string>()).name : "");
  } else if (vm->count("device")) {
    const DeviceProfile profile = resolve_device((*vm)["device"].as<std::string>());
    if (!std::filesystem::exists(profile.predictor_file))
      throw Error("device '" + profile.name + "' has no predictor yet (" +
                  profile.predictor_file.string() + "): run hatpredict train --device " + profile.name);
    p = load_predictor(profile.predictor_file, profile.name);
  } else {
    throw cli::UsageError("give --device or --predictor");
  }
  // What to predict: architecture files in the predictor's setting, and model directories in
  // their own vocabulary and Q/K/V width; the command line overrides either.
  struct Query {
    std::string name;
    ArchConfig arch;
    InferenceSetting setting;
  };
  std::vector<Query> queries;
  if (vm->count("arch"))
    for (const std::string& file : (*vm)["arch"].as<std::vector<std::string>>())
      queries.push_back({file, arch_from_file(file), p.setting});
  if (vm->count("model"))
    for (const std::string& dir : (*vm)["model"].as<std::vector<std::string>>()) {
      const ModelConfig config = read_model_config(dir);
      InferenceSetting s = p.setting;
      s.vocab_size = config.dims.vocab_size;
      s.qkv_dim = config.dims.qkv_dim;
      queries.push_back({dir, config.arch, s});
    }
  for (Query& q : queries) {
    InferenceSetting& s = q.setting;
    if (vm->count("vocab")) s.vocab_size = (*vm)["vocab"].as<int64_t>();
    if (vm->count("qkv")) s.qkv_dim = (*vm)["qkv"].as<int64_t>();
    if (vm->count("source-length")) s.source_length = (*vm)["source-length"].as<int64_t>();
    if (vm->count("beam")) s.beam = (*vm)["beam"].as<int64_t>();
    if (s.vocab_size < 1 || s.qkv_dim < 1 || s.source_length < 1 || s.beam < 1)
      throw cli::UsageError("--vocab, --qkv, --source-length and --beam must be >= 1");
  }
  for (const Query& q : queries) {
    const std::string& file = q.name;
    const ArchSummary a = summarize_arch(q.arch, q.setting);
    const LatencyPrediction r = p.predict(a);
    for (const std::string& w : p.warnings(a)) std::cerr << "hatpredict: warning: " << file << ": " << w << "\n";
    if (r.has_split)
      std::printf("%s: %.2f ms (encoder %.2f, decoder %.2f) [%s, %s]\n", file.c_str(), r.total_ms,
                  r.encoder_ms, r.decoder_ms, p.kind.c_str(), p.device.c_str());
    else
      std::printf("%s: %.2f ms [%s, %s]\n", file.c_str(), r.total_ms, p.kind.c_str(), p.device.c_str());
  }
  return 0;
}

// What the transfer's error is made of (transfer_report.h): each kind's lean per side, the
// kernel scale each setting's own rows fit, and the target's floor.
void print_transfer_report(const PredictorData& from, const PredictorData& to,
                           const std::vector<KindEvaluation>& kinds, uint64_t seed) {
  const std::vector<size_t> rows = every_row(to);
  for (const KindEvaluation& k : kinds) {
    const SideLean lean = median_side_lean(k.predictor, to, rows);
    if (std::isnan(lean.encoder) || std::isnan(lean.decoder)) continue;
    std::printf(" %s lean at the other setting (median predicted / measured): encoder %.3f, "
                "decoder %.3f\n", k.kind.c_str(), lean.encoder, lean.decoder);
  }
  if (from.kernels) {
    const auto scale = [](const PredictorData& d) {
      return fit_ops(d, every_row(d)).coefficients[kOpsKernelBenchmark];
    };
    std::printf(" kernel scale %.3f fitted here, %.3f fitted on the other setting's rows (the "
                "benchmarks' decoder-step prices x the scale fit the rows)\n",
                scale(from), scale(to));
  }
  constexpr int kFolds = 5;
  if (to.rows.size() >= ops_cross_validation_min_rows(kFolds)) {
    const PredictionMetrics floor = ops_cross_validation(to, kFolds, seed);
    std::printf(" floor: ops cross-validated within the other setting's rows (%d folds): "
                "MAPE %.2f%%\n", kFolds, 100 * floor.mape);
  }
}

int cmd_transfer(int argc, char** argv) {
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
  print_data_preparation(from);
  print_data_preparation(to);
  std::printf("transfer %s (vocab %lld, L %lld, beam %lld) -> %s (vocab %lld, L %lld, beam %lld)\n",
              from.source.c_str(), static_cast<long long>(from.setting.vocab_size),
              static_cast<long long>(from.setting.source_length), static_cast<long long>(from.setting.beam),
              to.source.c_str(), static_cast<long long>(to.setting.vocab_size),
              static_cast<long long>(to.setting.source_length), static_cast<long long>(to.setting.beam));
  print_metrics_header();
  std::vector<KindEvaluation> kinds;
  for (const std::string& k : parse_kinds((*vm)["kind"].as<std::string>())) {
    kinds.push_back(evaluate_transfer(k, from, to, opt));
    print_metrics_row(k, kinds.back().all);
  }
  print_transfer_report(from, to, kinds, opt.seed);
  if (vm->count("predictions")) {
    write_predictions((*vm)["predictions"].as<std::string>(), to, every_row(to),
                      transfer_target_outliers(to, opt), kinds);
  }
  return 0;
}

int cmd_measure(int argc, char** argv) {
  po::options_description o("hatpredict measure");
  o.add_options()
      ("space", po::value<std::string>()->default_value("wmt14.en-de"), "search space name or file")
      ("vocab", po::value<int64_t>()->default_value(8000), "vocabulary size of the random model")
      ("source-length", po::value<int64_t>()->default_value(30), "L")
      ("beam", po::value<int64_t>()->default_value(5), "beam")
      ("qkv", po::value<int64_t>()->default_value(512), "Q/K/V width (must be the space's)")
      ("archs", po::value<int>()->default_value(30), "architectures (the same for a given seed)")
      ("seed", po::value<uint64_t>()->default_value(1), "architecture and weight seed")
      ("warmups", po::value<int>()->default_value(1), "untimed runs first")
      ("iterations", po::value<int>()->default_value(5), "timed runs of each part")
      ("threads", po::value<int>()->default_value(1), "CPU threads (0: all cores)")
      ("minimum", po::bool_switch(), "record each part's fastest run instead of HAT's trimmed mean "
                                     "(a shared, busy machine)")
      ("out", po::value<std::string>(), "HAT CSV file to write");
  const auto vm = parse(argc, argv, o, "usage: hatpredict measure --vocab V --beam B --out FILE.csv [options]\n");
  if (!vm) return 0;
  if (!vm->count("out")) throw cli::UsageError("give --out FILE.csv");
  HostMeasureOptions m;
  m.space = (*vm)["space"].as<std::string>();
  m.setting = setting_from(*vm);
  m.architectures = (*vm)["archs"].as<int>();
  m.seed = (*vm)["seed"].as<uint64_t>();
  m.warmups = (*vm)["warmups"].as<int>();
  m.iterations = (*vm)["iterations"].as<int>();
  m.record_minimum = (*vm)["minimum"].as<bool>();
  if (m.architectures < 1 || m.warmups < 0 || m.iterations < 1)
    throw cli::UsageError("--archs and --iterations must be >= 1, --warmups >= 0");
  const int threads = (*vm)["threads"].as<int>();
  if (threads < 0) throw cli::UsageError("--threads must be >= 0");
  set_num_threads(threads);
  cli::install_stop_handler();
  cli::StatusLine status;
  m.progress = [&](int done, int total) {
    if (cli::stop_requested()) throw Error("stopped: nothing written");
    status.update(str("measured ", done, "/", total, " architectures"));
  };
  const std::vector<HatCsvRow> rows = measure_host_rows(m);
  write_hat_csv((*vm)["out"].as<std::string>(), rows);
  status.print(str("wrote ", rows.size(), " rows to ", (*vm)["out"].as<std::string>()));
  return 0;
}

int cmd_kernels(int argc, char** argv) {
  po::options_description o("hatpredict kernels");
  o.add_options()
      ("out", po::value<std::string>(), "kernel costs file to write (JSON)")
      ("threads", po::value<int>()->default_value(1), "CPU threads, as the latency rows were measured with");
  const auto vm = parse(argc, argv, o,
                        "usage: hatpredict kernels --out FILE.json [--threads N]\n\n"
                        "Times this machine's decoder-step kernels (packed GEMMs with weights in cache and\n"
                        "from memory, the cache footprint curve, a replay of decoder steps' GEMMs, decode\n"
                        "attention, layer norm, ReLU, log-softmax): 1.5-4 min and 600 MB of memory. Give\n"
                        "the file to train, eval or transfer as --kernels, with latency rows measured on\n"
                        "this machine at the same thread count. A shared machine changes with its\n"
                        "neighbours' work: benchmark it several times while profiling and give all the\n"
                        "files (they are averaged).\n");
  if (!vm) return 0;
  if (!vm->count("out")) throw cli::UsageError("give --out FILE.json");
  const int threads = (*vm)["threads"].as<int>();
  if (threads < 0) throw cli::UsageError("--threads must be >= 0");
  set_num_threads(threads);
  cli::StatusLine status;
  KernelBenchmarkOptions options;
  options.progress = [&](const std::string& stage) { status.update("benchmarking " + stage); };
  const KernelCosts k = benchmark_kernels(options);
  save_kernel_costs((*vm)["out"].as<std::string>(), k);
  status.print(str("kernel costs of ", k.host, " at ", k.threads, " thread(s) -> ",
                   (*vm)["out"].as<std::string>()));
  return 0;
}

int run(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kAbout;
    if (argc < 2) throw cli::UsageError("no command given (train, eval, predict, transfer, measure, kernels)");
    return 0;
  }
  const std::string command = argv[1];
  argv[1] = argv[0];  // the command's options parse as if it were the program
  if (command == "eval") return cmd_eval(argc - 1, argv + 1);
  if (command == "train") return cmd_train(argc - 1, argv + 1);
  if (command == "predict") return cmd_predict(argc - 1, argv + 1);
  if (command == "transfer") return cmd_transfer(argc - 1, argv + 1);
  if (command == "measure") return cmd_measure(argc - 1, argv + 1);
  if (command == "kernels") return cmd_kernels(argc - 1, argv + 1);
  throw cli::UsageError("unknown command '" + command + "' (train, eval, predict, transfer, measure, kernels)");
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatpredict", [&] { return run(argc, argv); });
}
