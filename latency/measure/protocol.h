// HAT's latency measurement protocol (docs/latency.md; HAT's utils.measure_latency) on a
// SubTransformer of a SuperTransformer (inherited or random weights): batch 1, a source of L
// tokens, the encoder run once, its output expanded to the beam, then L incremental decoder
// steps on the beam rows, output projection every step. This file times ONE run of each part;
// measure_architecture.h repeats them (warm-ups, iteration policy, HAT's trimmed mean).
#pragma once

#include <cstdint>
#include <memory>

#include "supernet/arch/arch_config.h"
#include "supernet/model/super_transformer.h"

namespace hat::latency {

struct ProtocolOptions {
  int64_t source_length =
      30;  // L: source tokens (eos included) and decoder steps; HAT: 30 WMT, 23 IWSLT
  int64_t beam = 5;
  int warmups = 5;      // untimed full runs (encoder and decoder) before timing
  int iterations = 20;  // timed runs of each part (HAT's --latiter; at least 1)
  double trim = 0.1;    // fraction dropped at each end of the sorted timings
};

// One encoder run, or one decoder run (encoder-decoder keys/values, expansion to the beam, L
// steps), of the protocol.
class ProtocolRunner {
 public:
  // Checks arch against the model and options (source_length in [1, max_positions - 1], beam and
  // iterations >= 1); the source is a fixed sentence of L - 1 ordinary tokens then eos.
  ProtocolRunner(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                 const ProtocolOptions& options);
  ~ProtocolRunner();
  double time_encoder_ms();  // run_encoder on the sentence
  double time_decoder_ms();  // after an encoder run: keys/values, beam expansion, L steps
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One whole beam search of the protocol's sentence, as Translator::translate_ids runs it: the
// encoder, beam expansion and reordering, finished-hypothesis bookkeeping, L target steps.
class TranslateRunner {
 public:
  TranslateRunner(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                  const ProtocolOptions& options);
  ~TranslateRunner();
  double time_ms();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hat::latency
