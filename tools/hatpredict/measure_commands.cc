// hatpredict measure and kernels: this machine's latency rows (HAT's CSV) and kernel benchmarks,
// through latency/measure/, where hatprofile run measures too.
#include "devices/error.h"
#include "devices/threads.h"
#include "latency/hat_csv.h"
#include "latency/measure/host_rows.h"
#include "latency/measure/kernel_benchmark.h"
#include "tools/cli/cli.h"
#include "tools/hatpredict/commands.h"

namespace po = boost::program_options;
using namespace hat::latency;

namespace hat::hatpredict {

int measure_command(int argc, char** argv) {
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

int kernels_command(int argc, char** argv) {
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

}  // namespace hat::hatpredict
