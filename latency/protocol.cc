#include "latency/protocol.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "devices/error.h"
#include "supernet/decode/incremental_decoder.h"

namespace hat::latency {

TimingSummary summarize_timings(std::vector<double> timings_ms, double trim) {
  HAT_CHECK(!timings_ms.empty(), "summarize_timings: no timings");
  HAT_CHECK(trim >= 0 && trim < 0.5, "summarize_timings: trim ", trim, " outside [0, 0.5)");
  std::sort(timings_ms.begin(), timings_ms.end());
  TimingSummary s;
  const size_t n = timings_ms.size();
  s.samples = static_cast<int>(n);
  s.min_ms = timings_ms.front();
  s.max_ms = timings_ms.back();
  s.median_ms = n % 2 ? timings_ms[n / 2] : 0.5 * (timings_ms[n / 2 - 1] + timings_ms[n / 2]);
  size_t cut = static_cast<size_t>(std::floor(static_cast<double>(n) * trim));
  if (2 * cut >= n) cut = 0;
  const auto first = timings_ms.begin() + static_cast<std::ptrdiff_t>(cut);
  const auto last = timings_ms.end() - static_cast<std::ptrdiff_t>(cut);
  const double kept = static_cast<double>(last - first);
  s.trimmed_mean_ms = std::accumulate(first, last, 0.0) / kept;
  double sq = 0;
  for (auto it = first; it != last; ++it) sq += (*it - s.trimmed_mean_ms) * (*it - s.trimmed_mean_ms);
  s.trimmed_std_ms = std::sqrt(sq / kept);
  return s;
}

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

struct ProtocolRunner::Impl {
  Impl(const SuperTransformer& model, const ArchConfig& arch, const ProtocolOptions& o)
      : options(o), decoder(model, arch) {}
  ProtocolOptions options;
  IncrementalDecoder decoder;
  Tensor source;
  std::vector<int32_t> lengths;
  std::vector<int64_t> expand_to_beam;
  std::vector<int32_t> first_tokens, next_tokens;
};

ProtocolRunner::ProtocolRunner(const SuperTransformer& model, const ArchConfig& arch,
                               const ProtocolOptions& options) {
  const ModelDims& d = model.dims();
  HAT_CHECK(options.source_length >= 1 && options.source_length < d.max_positions,
            "latency protocol: source length ", options.source_length, " outside [1, ",
            d.max_positions - 1, "]");
  HAT_CHECK(options.beam >= 1, "latency protocol: beam ", options.beam, " must be at least 1");
  HAT_CHECK(options.iterations >= 1, "latency protocol: iterations ", options.iterations,
            " must be at least 1");
  HAT_CHECK(options.warmups >= 0, "latency protocol: warm-ups ", options.warmups,
            " must not be negative");
  // fairseq's ids: bos 0, pad 1, eos 2, unk 3; the first ordinary token follows.
  constexpr int32_t kEos = 2;
  const int32_t word = std::min<int32_t>(4, static_cast<int32_t>(d.vocab_size) - 1);
  HAT_CHECK(word != d.padding_idx && word != kEos, "latency protocol: vocabulary of ",
            d.vocab_size, " has no ordinary token");
  impl_ = std::make_unique<Impl>(model, arch, options);
  const int64_t L = options.source_length;
  impl_->source = Tensor::zeros({1, L}, DType::i32);
  for (int64_t i = 0; i < L; ++i) impl_->source.data<int32_t>()[i] = i + 1 < L ? word : kEos;
  impl_->lengths = {static_cast<int32_t>(L)};
  impl_->expand_to_beam.assign(options.beam, 0);
  impl_->first_tokens.assign(options.beam, kEos);
  impl_->next_tokens.assign(options.beam, word);
}

ProtocolRunner::~ProtocolRunner() = default;

double ProtocolRunner::time_encoder_ms() {
  const auto start = Clock::now();
  impl_->decoder.run_encoder(impl_->source, impl_->lengths);
  return elapsed_ms(start);
}

double ProtocolRunner::time_decoder_ms() {
  // Every decoder run starts from a freshly encoded sentence (untimed) so that it computes the
  // encoder-decoder keys/values and fills the self-attention caches from empty, as HAT's does.
  impl_->decoder.run_encoder(impl_->source, impl_->lengths);
  IncrementalDecoder& dec = impl_->decoder;
  const auto start = Clock::now();
  dec.prepare_cross_attention();
  dec.reorder(impl_->expand_to_beam);
  dec.step(impl_->first_tokens);
  for (int64_t t = 1; t < impl_->options.source_length; ++t) dec.step(impl_->next_tokens);
  return elapsed_ms(start);
}

ProtocolResult measure_protocol(const SuperTransformer& model, const ArchConfig& arch,
                                const ProtocolOptions& options,
                                const std::function<void(int, int)>& on_iteration) {
  ProtocolRunner runner(model, arch, options);
  for (int w = 0; w < options.warmups; ++w) {
    runner.time_encoder_ms();
    runner.time_decoder_ms();
  }
  const int total = 2 * options.iterations;
  std::vector<double> encoder, decoder;
  for (int i = 0; i < options.iterations; ++i) {
    encoder.push_back(runner.time_encoder_ms());
    if (on_iteration) on_iteration(i + 1, total);
  }
  for (int i = 0; i < options.iterations; ++i) {
    decoder.push_back(runner.time_decoder_ms());
    if (on_iteration) on_iteration(options.iterations + i + 1, total);
  }
  return {summarize_timings(std::move(encoder), options.trim),
          summarize_timings(std::move(decoder), options.trim)};
}

}  // namespace hat::latency
