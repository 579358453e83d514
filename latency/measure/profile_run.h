// A latency-profiling run (hatprofile run): N SubTransformers sampled uniformly from a space
// (seeded; or one fixed architecture measured N times), each measured on this machine with HAT's
// protocol (or the full beam-search translate path) and committed to the dataset one sample per
// transaction. Resumable: the run's key names everything that defines it except N, so running
// the same command again measures only the samples still missing and ends with exactly N.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "latency/dataset/latency_dataset.h"
#include "latency/device_profile.h"
#include "latency/measure/measure_architecture.h"
#include "supernet/arch/search_space.h"
#include "supernet/model/super_transformer.h"

namespace hat::latency {

struct ProfileRunConfig {
  arch::SearchSpace space;
  std::string space_hash;
  std::optional<arch::ArchConfig> fixed_arch;  // measure this one N times instead of sampling
  // Timed just before every sample and stored with it (one transaction) as sample i of the run
  // key + kReferenceRunSuffix: how fast the machine was at that moment.
  std::optional<arch::ArchConfig> reference_arch;
  int64_t samples = 0;
  // Measure the N samples this many times, one pass over all of them after another, so that the
  // repeats of a sample are minutes apart (a shared machine's speed varies over seconds, which
  // one sample's back-to-back timed runs cannot average out). Pass 1 is the run key itself,
  // pass p > 1 is run key + kPassRunSuffix + p; predictors take each architecture's median.
  int passes = 1;
  uint64_t seed = 1;
  std::string mode = "protocol";         // protocol | translate
  ProtocolOptions protocol;              // L, beam, warm-ups, trim (iterations: see policy)
  IterationPolicy policy;
  int threads = 0;                       // as set_num_threads: recorded
  std::string device;                    // dataset device name (must exist in the dataset)
  std::string weights;  // "random (seed S)", "checkpoint DIR (update N)", "model directory DIR"
  std::string host, library_versions;    // recorded with each row
};

// The run key: SHA-256 over every setting above except `samples`, `passes` and
// `library_versions` (the reference only when there is one, so older runs keep their keys), so a
// rerun (even with a larger N or more passes) extends the same run; the host is included, so runs
// of different machines never collide when their files are merged.
std::string profile_run_key(const ProfileRunConfig& config);

// The architecture of sample i: fixed_arch, or sample_arch(space, mix(seed, i)).
arch::ArchConfig profile_sample_arch(const ProfileRunConfig& config, int64_t index);

// The dataset's record of the device a run measures on: this machine's CPU, under the profile's
// name (and its hardware, for a profile other than host).
DatasetDevice measured_device(const DeviceProfile& device, int threads);

// The measuring options of the config: its protocol, policy and mode.
MeasureOptions profile_measure_options(const ProfileRunConfig& config);

struct ProfileRunProgress {
  int64_t done = 0, total = 0;  // samples stored / wanted, over all passes
  int pass = 1;                 // the pass of `index`
  int64_t index = -1;           // sample just measured (-1: none yet)
  std::optional<arch::ArchConfig> arch;
  ProtocolResult result;
  std::optional<ProtocolResult> reference;  // with a reference architecture
};

struct ProfileRunSummary {
  int64_t already = 0;    // samples found from earlier runs (all passes)
  int64_t measured = 0;   // samples measured and committed now
  int64_t total = 0;      // stored at the end (== samples x passes unless stopped)
  bool stopped = false;
  double seconds = 0;
};

// Measures the missing samples pass by pass, each pass in index order, committing each (with its
// reference timing, in one transaction). `should_stop` is polled after
// every timed run: a sample being measured when it turns true is dropped (not committed) and
// the run returns with stopped = true.
ProfileRunSummary run_profile(const model::SuperTransformer& model, LatencyDataset& dataset,
                              const ProfileRunConfig& config,
                              const std::function<bool()>& should_stop,
                              const std::function<void(const ProfileRunProgress&)>& on_progress);

}  // namespace hat::latency
