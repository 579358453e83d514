#include "bench/translation_bench.h"

#include <algorithm>
#include <cstdio>

#include "bench/bench_common.h"
#include "devices/threads.h"
#include "supernet/export/inference_model.h"
#include "supernet/translate/source_lines.h"
#include "supernet/translate/translator.h"
#include "util/memory_usage.h"

namespace hat::bench {

double read_bandwidth_bytes_per_s() {
  const int64_t n = int64_t{64} << 20;  // 256 MB of f32
  std::vector<float> buffer(static_cast<size_t>(n), 1.0f);
  std::vector<double> rates;
  volatile float sink = 0;
  for (int pass = 0; pass < 5; ++pass) {
    float sum = 0;
    const double s = seconds([&] {
#pragma omp parallel for reduction(+ : sum)
      for (int64_t i = 0; i < n; ++i) sum += buffer[i];
    });
    sink = sink + sum;
    rates.push_back(static_cast<double>(n) * sizeof(float) / s);
  }
  return median(rates);
}

bool run_translation_bench(const TranslationBenchOptions& o) {
  const standalone::InferenceModel m = standalone::open_inference_model({o.model, {}, {}, {}});
  std::vector<std::string> lines = translate::read_source_lines(o.input);
  if (static_cast<int64_t>(lines.size()) > o.sentences) lines.resize(o.sentences);
  const Tensor& weights = m.loaded.model->parameters().values();
  const double weights_mb = static_cast<double>(weights.numel() * dtype_size(weights.dtype())) / 1e6;
  std::printf("translation: %s, %zu sentences, %d threads, weights %.1f MB\n", o.model.c_str(),
              lines.size(), num_threads(), weights_mb);
  double largest_cache_mb = 0;
  for (const int64_t beam : o.beams)
    for (const bool batched : {false, true}) {
      decode::BeamSearchOptions search;
      search.beam = beam;
      // One at a time: a token budget no second sentence fits in.
      translate::Translator translator(*m.loaded.model, m.arch, m.vocabulary, search,
                                       batched ? o.max_tokens : 1);
      std::vector<double> times;
      for (int r = 0; r < o.repeats; ++r) times.push_back(seconds([&] { translator.translate(lines); }));
      const double t = median(times);
      const double tokens = static_cast<double>(translator.generated_tokens()) / o.repeats;
      const double cache_mb = static_cast<double>(translator.peak_cache_bytes()) / 1e6;
      largest_cache_mb = std::max(largest_cache_mb, cache_mb);
      std::printf("  beam %lld %-22s %7.3f s  %7.0f tokens/s  keys/values %6.1f MB  %s\n",
                  static_cast<long long>(beam),
                  batched ? ("batched (" + std::to_string(o.max_tokens) + " tokens)").c_str()
                          : "one sentence at a time",
                  t, tokens / t, cache_mb, util::peak_rss_summary().c_str());
    }
  const double peak_mb = static_cast<double>(util::peak_rss_bytes()) / 1e6;
  const double bound_mb = 2 * (weights_mb + largest_cache_mb) + 150;
  const bool ok = peak_mb <= bound_mb;
  std::printf("peak RSS %.1f MB; bound 2 x (weights %.1f + keys/values %.1f) + 150 = %.1f MB: %s\n",
              peak_mb, weights_mb, largest_cache_mb, bound_mb, ok ? "met" : "NOT met");
  return ok;
}

}  // namespace hat::bench
