// HAT-protocol decoding latency (latency/measure: batch 1, L source tokens, encoder once,
// beam expansion, L incremental decoder steps with the output projection) at the two dense
// shapes of the training benchmark, against PyTorch 1.13 eager with a key/value cache measured
// on this machine (issue 5): shape a 188 ms (encoder 3.9, decoder 184.8), shape b 987 ms.
// Targets: at least 5x faster on shape a, 2x on shape b.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "devices/threads.h"
#include "latency/measure/measure_architecture.h"
#include "supernet/model/super_transformer.h"
#include "tools/cli/cli.h"

namespace {

using namespace hat;

struct Options {
  int threads = 2;
  latency::ProtocolOptions protocol;
  std::string shapes = "ab";
};

constexpr const char* kAbout =
    "usage: bench_decode [--threads N] [--length L] [--beam K] [--iterations N] [--warmups N]\n"
    "          [--shape a|b|ab]\n"
    "Times HAT's latency protocol on dense Transformers with random weights and compares the\n"
    "total (encoder + decoder trimmed means) with PyTorch 1.13 on this machine.\n"
    "  shape a: embed 256, FFN 1024, 4 heads, qkv 256, 4+4 layers, vocab 8000 (PyTorch 188 ms)\n"
    "  shape b: embed 512, FFN 2048, 8 heads, qkv 512, 6+6 layers, vocab 32000 (PyTorch 987 ms)\n";

std::optional<Options> parse(int argc, char** argv) {
  namespace po = boost::program_options;
  Options o;
  latency::ProtocolOptions& p = o.protocol;
  po::options_description options("Options");
  options.add_options()
      ("threads", po::value(&o.threads)->default_value(o.threads), "OpenMP threads")
      ("length", po::value(&p.source_length)->default_value(p.source_length), "L: source tokens and decoder steps")
      ("beam", po::value(&p.beam)->default_value(p.beam), "beam size")
      ("iterations", po::value(&p.iterations)->default_value(p.iterations), "timed runs of each part")
      ("warmups", po::value(&p.warmups)->default_value(p.warmups), "untimed runs first")
      ("shape", po::value(&o.shapes)->default_value(o.shapes), "a, b or ab")
      ("help,h", "show this help");
  if (!cli::parse_options(argc, argv, options, kAbout)) return std::nullopt;
  if (o.shapes != "a" && o.shapes != "b" && o.shapes != "ab")
    throw cli::UsageError("--shape must be a, b or ab, got '" + o.shapes + "'");
  if (o.threads < 0 || p.iterations < 1 || p.warmups < 0 || p.beam < 1 || p.source_length < 1)
    throw cli::UsageError("--threads and --warmups must be >= 0; --iterations, --beam and --length >= 1");
  return o;
}

struct Reference {
  bench::DenseShape shape;
  double pytorch_ms;  // PyTorch 1.13 eager, L 30, beam 5, 2 threads (issue 5)
  double target_speedup;
};

int run(int argc, char** argv) {
  const std::optional<Options> o = parse(argc, argv);
  if (!o) return 0;
  set_num_threads(o->threads);
  const std::vector<Reference> references = {
      {{"a", 256, 1024, 4, 256, 4, 8000}, 188.0, 5.0},
      {{"b", 512, 2048, 8, 512, 6, 32000}, 987.0, 2.0}};
  const latency::ProtocolOptions& p = o->protocol;
  std::printf("HAT protocol: batch 1, L %lld, beam %lld, %d warm-ups, %d timed runs per part, "
              "%d threads\n",
              (long long)p.source_length, (long long)p.beam, p.warmups, p.iterations, num_threads());
  const bool reference_setting = p.source_length == 30 && p.beam == 5 && num_threads() == 2;
  bool met = true;
  for (const Reference& r : references) {
    if (o->shapes.find(r.shape.name) == std::string::npos) continue;
    const bench::DenseShape& s = r.shape;
    model::SuperTransformer model(bench::dense_dims(s), DType::f32);
    model.init_parameters(1);
    const latency::ProtocolResult result = measure_protocol(model, bench::dense_arch(s), p);
    std::printf("\nshape %s: embed %lld, FFN %lld, %lld heads, qkv %lld, %lld+%lld layers, vocab %lld\n",
                s.name, (long long)s.embed, (long long)s.ffn, (long long)s.heads,
                (long long)s.qkv, (long long)s.layers, (long long)s.layers, (long long)s.vocab);
    for (const auto& [part, t] : {std::pair{"encoder", result.encoder}, {"decoder", result.decoder}})
      std::printf("  %-8s trimmed mean %8.2f ms  (std %.2f, median %.2f, min %.2f, max %.2f)\n",
                  part, t.trimmed_mean_ms, t.trimmed_std_ms, t.median_ms, t.min_ms, t.max_ms);
    const double per_step = result.decoder.trimmed_mean_ms / static_cast<double>(p.source_length);
    std::printf("  total    %8.2f ms; %.2f ms per decoder step\n", result.total_ms(), per_step);
    if (!reference_setting) continue;
    const double speedup = r.pytorch_ms / result.total_ms();
    const bool ok = speedup >= r.target_speedup;
    met = met && ok;
    std::printf("  PyTorch 1.13: %.0f ms -> %.2fx faster (target %.0fx: %s)\n", r.pytorch_ms,
                speedup, r.target_speedup, ok ? "met" : "NOT met");
  }
  if (!reference_setting)
    std::printf("\n(no PyTorch comparison: its figures are for L 30, beam 5, 2 threads)\n");
  return met ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return hat::cli::run_tool("bench_decode", [&] { return run(argc, argv); });
}
