#include "latency/measure/profile_run.h"

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

namespace hat::latency {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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
  return util::sha256_hex(
      str("space ", c.space_hash, "\nfixed ", c.fixed_arch ? arch::arch_hash(*c.fixed_arch) : "-",
          "\nseed ", c.seed, "\nmode ", c.mode, "\nL ", o.source_length, " beam ", o.beam,
          " warmups ", o.warmups, " trim ", o.trim, "\niterations ", p.iterations, " precision ",
          p.precision, " seconds ", p.seconds, " max ", p.max_iterations, "\nthreads ", c.threads,
          "\nvocab ", c.space.super_dims.vocab_size, "\ndevice ", c.device, "\nweights ", c.weights,
          "\nhost ", c.host,
          c.reference_arch ? "\nreference " + arch::arch_hash(*c.reference_arch) : std::string()));
}

arch::ArchConfig profile_sample_arch(const ProfileRunConfig& config, int64_t index) {
  if (config.fixed_arch) return *config.fixed_arch;
  return arch::sample_arch(config.space, mix(config.seed, index));
}

DatasetDevice measured_device(const DeviceProfile& device, int threads) {
  const std::string cpu = cpu_description();
  return {device.name, device.name == "host" ? cpu : device.hardware + "; measured on " + cpu,
          "cpu (oneDNN)", threads};
}

MeasureOptions profile_measure_options(const ProfileRunConfig& config) {
  MeasureOptions m;
  m.protocol = config.protocol;
  m.policy = config.policy;
  m.mode = config.mode;
  return m;
}

namespace {

// One row of the dataset: sample `i` of run `key`, as run_profile commits it.
Measurement measurement_of(const ProfileRunConfig& config, const model::SuperTransformer& model,
                           const arch::ArchConfig& arch, const ProtocolResult& r,
                           const std::string& key, int64_t i) {
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
  m.implementations = join_implementations(r.implementations);
  return m;
}

}  // namespace

ProfileRunSummary run_profile(const model::SuperTransformer& model, LatencyDataset& dataset,
                              const ProfileRunConfig& config,
                              const std::function<bool()>& should_stop,
                              const std::function<void(const ProfileRunProgress&)>& on_progress) {
  HAT_CHECK(config.samples >= 1, "hatprofile: samples must be at least 1");
  HAT_CHECK(config.passes >= 1, "hatprofile: passes must be at least 1");
  HAT_CHECK(config.mode == "protocol" || config.mode == "translate", "hatprofile: unknown mode '",
            config.mode, "' (protocol or translate)");
  const auto start = Clock::now();
  const std::string key = profile_run_key(config);
  const MeasureOptions measure = profile_measure_options(config);
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
      const arch::ArchConfig arch = profile_sample_arch(config, i);
      ProtocolResult r, reference;
      try {
        tick();
        if (config.reference_arch)
          reference = measure_architecture(model, *config.reference_arch, measure, tick);
        r = measure_architecture(model, arch, measure, tick);
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
