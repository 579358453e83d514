#include "latency/measure/protocol.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "devices/error.h"
#include "supernet/decode/incremental_decoder.h"
#include "supernet/decode/beam_search.h"

namespace hat::latency {

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// fairseq's ids: bos 0, pad 1, eos 2, unk 3; the first ordinary token follows.
constexpr int32_t kEos = 2;

int32_t ordinary_token(const arch::ModelDims& d) {
  return std::min<int32_t>(4, static_cast<int32_t>(d.vocab_size) - 1);
}

}  // namespace

struct ProtocolRunner::Impl {
  Impl(const model::SuperTransformer& model, const arch::ArchConfig& arch, const ProtocolOptions& o)
      : options(o), decoder(model, arch) {}
  ProtocolOptions options;
  decode::IncrementalDecoder decoder;
  Tensor source;
  std::vector<int32_t> lengths;
  std::vector<int64_t> expand_to_beam;
  std::vector<int32_t> first_tokens, next_tokens;
};

ProtocolRunner::ProtocolRunner(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                               const ProtocolOptions& options) {
  const arch::ModelDims& d = model.dims();
  HAT_CHECK(options.source_length >= 1 && options.source_length < d.max_positions,
            "latency protocol: source length ", options.source_length, " outside [1, ",
            d.max_positions - 1, "]");
  HAT_CHECK(options.beam >= 1, "latency protocol: beam ", options.beam, " must be at least 1");
  HAT_CHECK(options.iterations >= 1, "latency protocol: iterations ", options.iterations,
            " must be at least 1");
  HAT_CHECK(options.warmups >= 0, "latency protocol: warm-ups ", options.warmups,
            " must not be negative");
  const int32_t word = ordinary_token(d);
  HAT_CHECK(word != d.padding_idx && word != kEos, "latency protocol: vocabulary of ", d.vocab_size,
            " has no ordinary token");
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
  decode::IncrementalDecoder& dec = impl_->decoder;
  const auto start = Clock::now();
  dec.prepare_cross_attention();
  dec.reorder(impl_->expand_to_beam);
  dec.step(impl_->first_tokens);
  for (int64_t t = 1; t < impl_->options.source_length; ++t) dec.step(impl_->next_tokens);
  return elapsed_ms(start);
}

struct TranslateRunner::Impl {
  Impl(const model::SuperTransformer& model, const arch::ArchConfig& arch) : decoder(model, arch) {}
  decode::IncrementalDecoder decoder;
  std::vector<int32_t> source;
  decode::BeamSearchOptions options;
};

TranslateRunner::TranslateRunner(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                                 const ProtocolOptions& o)
    : impl_(std::make_unique<Impl>(model, arch)) {
  impl_->source.assign(static_cast<size_t>(o.source_length - 1), ordinary_token(model.dims()));
  impl_->options.beam = o.beam;
  impl_->options.max_len_a = 0;
  impl_->options.max_len_b = o.source_length - 1;  // then the forced eos: L decoder steps
}

TranslateRunner::~TranslateRunner() = default;

double TranslateRunner::time_ms() {
  const auto start = Clock::now();
  decode::beam_search(impl_->decoder, {impl_->source}, impl_->options);
  return elapsed_ms(start);
}

}  // namespace hat::latency
