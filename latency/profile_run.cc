#include "latency/profile_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "devices/error.h"
#include "latency/host_info.h"
#include "supernet/arch/arch_yaml.h"
#include "util/sha256.h"
#include "supernet/decode/incremental_decoder.h"
#include "supernet/decode/beam_search.h"

namespace hat::latency {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Standard error of the trimmed mean relative to it: std / sqrt(kept) / mean.
double relative_standard_error(const std::vector<double>& timings, double trim) {
  const TimingSummary s = summarize_timings(timings, trim);
  const size_t cut = static_cast<size_t>(std::floor(static_cast<double>(timings.size()) * trim));
  const size_t kept = 2 * cut < timings.size() ? timings.size() - 2 * cut : timings.size();
  if (s.trimmed_mean_ms <= 0 || kept < 2) return INFINITY;
  return s.trimmed_std_ms / std::sqrt(static_cast<double>(kept)) / s.trimmed_mean_ms;
}

// Times one part until the policy is met.
std::vector<double> time_part(const std::function<double()>& run, const IterationPolicy& policy,
                              double trim, const std::function<void()>& tick) {
  std::vector<double> timings;
  const auto start = Clock::now();
  for (;;) {
    timings.push_back(run());
    if (tick) tick();
    const int n = static_cast<int>(timings.size());
    if (n < policy.iterations) continue;
    if (!policy.adaptive() || n >= policy.max_iterations) break;
    if (policy.precision > 0 && relative_standard_error(timings, trim) <= policy.precision) break;
    if (policy.seconds > 0 && seconds_since(start) >= policy.seconds) break;
  }
  return timings;
}

// A whole beam search of the protocol's sentence, as Translator::translate_ids runs it: the
// encoder, beam expansion and reordering, finished-hypothesis bookkeeping, L target steps.
class TranslateTimer {
 public:
  TranslateTimer(const SuperTransformer& model, const ArchConfig& arch, const ProtocolOptions& o)
      : decoder_(model, arch) {
    const int32_t word = std::min<int32_t>(4, static_cast<int32_t>(model.dims().vocab_size) - 1);
    source_.assign(static_cast<size_t>(o.source_length - 1), word);
    options_.beam = o.beam;
    options_.max_len_a = 0;
    options_.max_len_b = o.source_length - 1;  // then the forced eos: L decoder steps
  }
  double time_ms() {
    const auto start = Clock::now();
    beam_search(decoder_, {source_}, options_);
    return 1000.0 * seconds_since(start);
  }

 private:
  IncrementalDecoder decoder_;
  std::vector<int32_t> source_;
  BeamSearchOptions options_;
};

uint64_t mix(uint64_t seed, int64_t index) {
  // splitmix64 of the pair: nearby seeds give unrelated sample sequences.
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index) + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::string profile_run_key(const ProfileRunConfig& c) {
  const IterationPolicy& p = c.policy;
  const ProtocolOptions& o = c.protocol;
  return util::sha256_hex(str(
      "space ", c.space_hash, "\nfixed ", c.fixed_arch ? arch_hash(*c.fixed_arch) : "-", "\nseed ",
      c.seed, "\nmode ", c.mode, "\nL ", o.source_length, " beam ", o.beam, " warmups ", o.warmups,
      " trim ", o.trim, "\niterations ", p.iterations, " precision ", p.precision, " seconds ",
      p.seconds, " max ", p.max_iterations, "\nthreads ", c.threads, "\nvocab ",
      c.space.super_dims.vocab_size, "\ndevice ", c.device, "\nweights ", c.weights, "\nhost ",
      c.host, c.reference_arch ? "\nreference " + arch_hash(*c.reference_arch) : std::string()));
}

ArchConfig profile_sample_arch(const ProfileRunConfig& config, int64_t index) {
  if (config.fixed_arch) return *config.fixed_arch;
  return sample_arch(config.space, mix(config.seed, index));
}

ProtocolResult measure_architecture(const SuperTransformer& model, const ArchConfig& arch,
                                    const ProfileRunConfig& config, const std::function<void()>& tick) {
  ProtocolOptions options = config.protocol;
  options.iterations = std::max(1, config.policy.iterations);
  ProtocolRunner runner(model, arch, options);
  std::optional<TranslateTimer> translate;
  if (config.mode == "translate") translate.emplace(model, arch, options);
  // Warm-ups: caches, oneDNN primitives for these shapes, the CPU's clock and the pool's threads.
  for (int w = 0; w < options.warmups; ++w) {
    runner.time_encoder_ms();
    if (translate) translate->time_ms(); else runner.time_decoder_ms();
  }
  ProtocolResult result;
  std::vector<double> encoder = time_part([&] { return runner.time_encoder_ms(); }, config.policy,
                                          options.trim, tick);
  result.encoder = summarize_timings(encoder, options.trim);
  std::vector<double> decoder;
  if (translate) {
    // Each beam search is paired with an encoder run just before it, under the same load, and
    // the decoder's share is their difference. Subtracting the encoder's trimmed mean instead
    // went negative on a loaded machine for tiny models (the encoder phase had been slower).
    // A difference below zero is pure noise (a search includes an encoder run): it counts as 0.
    decoder = time_part(
        [&] {
          const double encoder_ms = runner.time_encoder_ms();
          return std::max(0.0, translate->time_ms() - encoder_ms);
        },
        config.policy, options.trim, tick);
  } else {
    decoder = time_part([&] { return runner.time_decoder_ms(); }, config.policy, options.trim, tick);
  }
  result.decoder = summarize_timings(decoder, options.trim);
  return result;
}

namespace {

// One row of the dataset: sample `i` of run `key`, as run_profile commits it.
Measurement measurement_of(const ProfileRunConfig& config, const SuperTransformer& model,
                           const ArchConfig& arch, const ProtocolResult& r, const std::string& key,
                           int64_t i) {
  Measurement m;
  m.device = config.device;
  m.arch = arch;
  m.features = hat_features(arch);
  m.mode = config.mode;
  m.encoder = {r.encoder.trimmed_mean_ms, r.encoder.trimmed_std_ms, r.encoder.median_ms};
  m.decoder = {r.decoder.trimmed_mean_ms, r.decoder.trimmed_std_ms, r.decoder.median_ms};
  m.source_length = config.protocol.source_length;
  m.beam = config.protocol.beam;
  m.warmups = config.protocol.warmups;
  m.iterations = std::min(r.encoder.samples, r.decoder.samples);
  m.trim = config.protocol.trim;
  m.threads = config.threads;
  m.vocabulary_size = model.dims().vocab_size;
  m.qkv_dim = model.dims().qkv_dim;
  m.weights = config.weights;
  m.library_versions = config.library_versions;
  m.host = config.host;
  m.measured_at = utc_timestamp();
  m.source = "hatprofile run";
  m.run_key = key;
  m.sample_index = i;
  return m;
}

}  // namespace

ProfileRunSummary run_profile(const SuperTransformer& model, LatencyDataset& dataset,
                              const ProfileRunConfig& config,
                              const std::function<bool()>& should_stop,
                              const std::function<void(const ProfileRunProgress&)>& on_progress) {
  HAT_CHECK(config.samples >= 1, "hatprofile: samples must be at least 1");
  HAT_CHECK(config.passes >= 1, "hatprofile: passes must be at least 1");
  HAT_CHECK(config.mode == "protocol" || config.mode == "translate", "hatprofile: unknown mode '",
            config.mode, "' (protocol or translate)");
  const auto start = Clock::now();
  const std::string key = profile_run_key(config);
  const auto pass_key = [&](int pass) { return run_key_of({key, pass}); };
  // Samples of a pass stored in the dataset with an index below N (a larger earlier N left more).
  const auto stored = [&](const std::set<int64_t>& indices) {
    return static_cast<int64_t>(std::distance(indices.begin(), indices.lower_bound(config.samples)));
  };
  std::vector<std::set<int64_t>> have;
  ProfileRunSummary summary;
  for (int pass = 1; pass <= config.passes; ++pass) {
    have.push_back(dataset.run_samples(pass_key(pass)));
    summary.already += stored(have.back());
  }
  ProfileRunProgress progress;
  progress.total = config.samples * config.passes;
  progress.done = summary.already;
  if (on_progress) on_progress(progress);
  struct Stop {};
  const auto tick = [&] {
    if (should_stop && should_stop()) throw Stop{};
  };
  for (int pass = 1; pass <= config.passes && !summary.stopped; ++pass) {
    const std::string run = pass_key(pass);
    for (int64_t i = 0; i < config.samples; ++i) {
      if (have[static_cast<size_t>(pass - 1)].count(i)) continue;
      const ArchConfig arch = profile_sample_arch(config, i);
      ProtocolResult r, reference;
      try {
        tick();
        if (config.reference_arch)
          reference = measure_architecture(model, *config.reference_arch, config, tick);
        r = measure_architecture(model, arch, config, tick);
      } catch (const Stop&) {
        summary.stopped = true;
        break;
      }
      std::vector<Measurement> rows{measurement_of(config, model, arch, r, run, i)};
      if (config.reference_arch) {
        rows.push_back(measurement_of(config, model, *config.reference_arch, reference,
                                      run + kReferenceRunSuffix, i));
        rows.back().source = "hatprofile run (reference before sample " + std::to_string(i) + ")";
      }
      if (dataset.add_measurements(std::move(rows)) > 0) ++summary.measured;
      progress.done = summary.already + summary.measured;
      progress.pass = pass;
      progress.index = i;
      progress.arch = arch;
      progress.result = r;
      progress.reference = config.reference_arch ? std::optional<ProtocolResult>(reference) : std::nullopt;
      if (on_progress) on_progress(progress);
    }
  }
  for (int pass = 1; pass <= config.passes; ++pass)
    summary.total += stored(dataset.run_samples(pass_key(pass)));
  summary.seconds = seconds_since(start);
  return summary;
}

}  // namespace hat::latency
