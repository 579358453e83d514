// HAT's latency measurement protocol (DESIGN.md section 3; HAT's utils.measure_latency) on a
// SubTransformer of a SuperTransformer (inherited or random weights): batch 1, a source of L
// tokens, the encoder run once, its output expanded to the beam, then L incremental decoder
// steps on the beam rows, output projection every step. Warm-up runs first; each timing list is
// sorted and 10% trimmed at both ends. Encoder and decoder are timed apart.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/model/super_transformer.h"

namespace hat::latency {

struct ProtocolOptions {
  int64_t source_length = 30;  // L: source tokens (eos included) and decoder steps; HAT: 30 WMT, 23 IWSLT
  int64_t beam = 5;
  int warmups = 5;             // untimed full runs (encoder and decoder) before timing
  int iterations = 20;         // timed runs of each part (HAT's --latiter; at least 1)
  double trim = 0.1;           // fraction dropped at each end of the sorted timings
};

// Summary of one part's timings, in milliseconds.
struct TimingSummary {
  double trimmed_mean_ms = 0;  // HAT's figure: mean of the sorted timings without the trims
  double trimmed_std_ms = 0;   // population standard deviation of the same (numpy's std)
  double median_ms = 0;
  double min_ms = 0, max_ms = 0;
  int samples = 0;             // timings taken (before trimming)
};

// HAT's trimming: sort, drop floor(n * trim) from each end (none when that would drop all).
TimingSummary summarize_timings(std::vector<double> timings_ms, double trim);

struct ProtocolResult {
  TimingSummary encoder, decoder;
  double total_ms() const { return encoder.trimmed_mean_ms + decoder.trimmed_mean_ms; }
};

// One encoder run, or one decoder run (encoder-decoder keys/values, expansion to the beam, L
// steps), of the protocol; for tools that time with their own loop.
class ProtocolRunner {
 public:
  // Checks arch against the model and options (source_length in [1, max_positions - 1], beam and
  // iterations >= 1); the source is a fixed sentence of L - 1 ordinary tokens then eos.
  ProtocolRunner(const SuperTransformer& model, const ArchConfig& arch,
                 const ProtocolOptions& options);
  ~ProtocolRunner();
  double time_encoder_ms();  // run_encoder on the sentence
  double time_decoder_ms();  // after an encoder run: keys/values, beam expansion, L steps
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs the protocol: warm-ups (each an encoder and a decoder run), then `iterations` encoder
// runs, then `iterations` decoder runs, as HAT's code orders them. Uses the current thread
// setting (set_num_threads). `on_iteration(done, total)`, when given, is called after each timed
// run (2 * iterations in all) so callers can show progress or stop by throwing.
ProtocolResult measure_protocol(const SuperTransformer& model, const ArchConfig& arch,
                                const ProtocolOptions& options,
                                const std::function<void(int, int)>& on_iteration = {});

}  // namespace hat::latency
