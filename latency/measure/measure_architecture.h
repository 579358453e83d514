// Where latency is measured: one architecture timed by HAT's protocol (protocol.h) under an
// iteration policy (timings.h). hatprofile run, hatpredict measure, hatreport and bench_decode
// all time architectures through here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "latency/measure/protocol.h"
#include "latency/measure/timings.h"

namespace hat::latency {

struct ProtocolResult {
  TimingSummary encoder, decoder;
  // The kernel implementations that ran, sorted (devices/kernel_implementations.h): recorded in
  // the warm-ups, which run the timed runs' shapes untimed; with no warm-ups, in the timed runs.
  std::vector<std::string> implementations;
  double total_ms() const { return encoder.trimmed_mean_ms + decoder.trimmed_mean_ms; }
};

struct MeasureOptions {
  ProtocolOptions protocol;  // L, beam, warm-ups, trim (its iterations: see policy)
  IterationPolicy policy;
  std::string mode = "protocol";  // protocol | translate
};

// Warm-ups (each an encoder and a decoder run), then encoder runs, then decoder runs (HAT's
// order), as many as the policy asks. In translate mode each decoder figure is a whole beam
// search (encoder included) less an encoder run timed just before it (at least 0), so encoder +
// decoder is about the translate time. Uses the current thread setting (set_num_threads).
// `tick` is called after every timed run (it may throw to stop).
ProtocolResult measure_architecture(const model::SuperTransformer& model,
                                    const arch::ArchConfig& arch, const MeasureOptions& options,
                                    const std::function<void()>& tick = {});

// HAT's fixed protocol: options.iterations timed runs of each part. `on_iteration(done, total)`,
// when given, is called after each timed run (2 * iterations in all) so callers can show
// progress or stop by throwing.
ProtocolResult measure_protocol(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                                const ProtocolOptions& options,
                                const std::function<void(int, int)>& on_iteration = {});

}  // namespace hat::latency
