#include "latency/measure/measure_architecture.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "devices/error.h"
#include "devices/kernel_implementations.h"

namespace hat::latency {

ProtocolResult measure_architecture(const model::SuperTransformer& model,
                                    const arch::ArchConfig& arch, const MeasureOptions& measure,
                                    const std::function<void()>& tick) {
  HAT_CHECK(measure.mode == "protocol" || measure.mode == "translate", "latency: unknown mode '",
            measure.mode, "' (protocol or translate)");
  ProtocolOptions options = measure.protocol;
  options.iterations = measure.policy.iterations;
  ProtocolRunner runner(model, arch, options);
  std::optional<TranslateRunner> translate;
  if (measure.mode == "translate") translate.emplace(model, arch, options);
  ProtocolResult result;
  // The kernels that run: recorded in the warm-ups, which run the timed runs' shapes untimed, so
  // that the timed runs pay nothing for it; with no warm-ups, in the timed runs themselves.
  std::optional<KernelImplementationRecorder> recorder(std::in_place);
  // Warm-ups: caches, oneDNN primitives for these shapes, the CPU's clock and the pool's threads.
  for (int w = 0; w < options.warmups; ++w) {
    runner.time_encoder_ms();
    if (translate)
      translate->time_ms();
    else
      runner.time_decoder_ms();
  }
  if (options.warmups > 0) {
    result.implementations = recorder->implementations();
    recorder.reset();
  }
  result.encoder = summarize_timings(
      time_until([&] { return runner.time_encoder_ms(); }, measure.policy, options.trim, tick),
      options.trim);
  std::vector<double> decoder;
  if (translate) {
    // Each beam search is paired with an encoder run just before it, under the same load, and
    // the decoder's share is their difference. Subtracting the encoder's trimmed mean instead
    // went negative on a loaded machine for tiny models (the encoder phase had been slower).
    // A difference below zero is pure noise (a search includes an encoder run): it counts as 0.
    decoder = time_until(
        [&] {
          const double encoder_ms = runner.time_encoder_ms();
          return std::max(0.0, translate->time_ms() - encoder_ms);
        },
        measure.policy, options.trim, tick);
  } else {
    decoder =
        time_until([&] { return runner.time_decoder_ms(); }, measure.policy, options.trim, tick);
  }
  result.decoder = summarize_timings(std::move(decoder), options.trim);
  if (recorder) result.implementations = recorder->implementations();
  return result;
}

ProtocolResult measure_protocol(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                                const ProtocolOptions& options,
                                const std::function<void(int, int)>& on_iteration) {
  MeasureOptions measure;
  measure.protocol = options;
  measure.policy.iterations = options.iterations;  // no precision or time target: exactly these
  const int total = 2 * options.iterations;
  int done = 0;
  return measure_architecture(model, arch, measure, [&] {
    ++done;
    if (on_iteration) on_iteration(done, total);
  });
}

}  // namespace hat::latency
