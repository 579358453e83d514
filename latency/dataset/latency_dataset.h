// The SQLite latency dataset (docs/latency.md): devices, architectures (canonical text, hash
// and HAT's ten features; features only for rows imported from HAT's CSV) and measurements
// (encoder and decoder trimmed mean, std and median, the protocol, the software, the kernel
// implementations that ran, the host and the time). One file per board; files merge. Safe for
// several processes at once (WAL, waits for locks, bounded), and every write is one transaction:
// a failure (full disk, Ctrl-C, kill) keeps everything committed before it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "latency/features.h"
#include "latency/hat_csv.h"
#include "supernet/arch/arch_config.h"

namespace hat::latency {

class SqliteDb;

struct DatasetDevice {
  std::string name;
  std::string hardware;
  std::string backend;
  int threads = 0;
};

// One measured timing summary of a part (ms). Medians are absent for HAT's CSV rows.
struct PartLatency {
  double mean_ms = 0, std_ms = 0;
  std::optional<double> median_ms;
};

// `hatprofile run --reference ARCH`: the reference architecture timed just before sample i of
// run K, under the same load, is stored as sample i of run K + kReferenceRunSuffix; a predictor
// divides the machine's speed drift out with it (latency/predict/training_rows.h).
inline constexpr const char* kReferenceRunSuffix = "/reference";
struct Measurement;
bool is_reference_timing(const Measurement& m);
// `hatprofile run --passes K`: pass p > 1 of run K is stored as run K + kPassRunSuffix + p (its
// references as that + kReferenceRunSuffix). pass_base_run_key gives K for any of them.
inline constexpr const char* kPassRunSuffix = "/pass ";
std::string pass_base_run_key(const std::string& run_key);

// A stored run key's parts: run K, its pass (1 for K itself) and whether it keys the reference
// timings. run_key_of is the inverse: run_key_of(parse_run_key(k)) == k.
struct RunKeyParts {
  std::string base;
  int pass = 1;
  bool reference = false;
};
RunKeyParts parse_run_key(const std::string& run_key);
std::string run_key_of(const RunKeyParts& parts);

// What merge_from does with another collection of a run this dataset already has: the same
// `hatprofile run` command run again (another day, another checkout), so the same run key and
// sample indices, with measurements of their own (other uids).
enum class RepeatedRun {
  kLeaveOut,  // keep this dataset's rows; the other collection's colliding rows are counted
  kAsPasses,  // store the other collection as further passes: its pass p becomes p + the passes
              // here, so predictors take each architecture's median over both collections
};

struct MergeSummary {
  int64_t added = 0;           // rows new to this dataset
  int64_t left_out = 0;        // kLeaveOut: rows of another collection of a run that is here
  int64_t runs_as_passes = 0;  // kAsPasses: runs whose other collection became further passes
};

struct Measurement {
  std::string uid;                 // filled by add_measurement when empty
  std::string device;              // device name (devices table)
  std::optional<arch::ArchConfig> arch;  // absent: features only
  HatFeatures features{};          // hat_features(*arch) when arch is present
  std::string mode = "protocol";   // protocol | translate | imported
  PartLatency encoder, decoder;
  // Protocol and model (absent when unknown, as for imports without a device profile).
  std::optional<int64_t> source_length, beam, warmups, iterations, threads, vocabulary_size, qkv_dim;
  std::optional<double> trim;
  std::optional<std::string> weights, library_versions, host, measured_at, source;
  std::optional<std::string> run_key;  // with sample_index: a hatprofile run's sample
  std::optional<int64_t> sample_index;
  // The kernel implementations the measurement ran (devices/kernel_implementations.h), sorted
  // and joined by ", ": "eltwise:jit:avx2, ..., matmul:brg:avx512_core, softmax:jit:avx2"; on
  // a board, "eltwise:own loop (oneDNN has ref:any)" where our loop replaced oneDNN's reference
  // code. Absent (NULL) for HAT's CSV rows and rows measured before schema version 3.
  std::optional<std::string> implementations;

  double total_ms() const { return encoder.mean_ms + decoder.mean_ms; }
};

// Measurement::implementations to and from its names: one text that reads whole in sqlite3, the
// names joined by ", " (no oneDNN implementation name contains ", ").
std::string join_implementations(const std::vector<std::string>& names);
std::vector<std::string> split_implementations(const std::string& text);

struct DatasetOptions {
  bool read_only = false;
  // How long one statement waits for another process's lock; writes retry a few times on top.
  int busy_timeout_ms = 10000;
};

class LatencyDataset {
 public:
  // Opens or creates (read-write) the dataset at `path`, migrating an older schema; refuses a
  // newer schema version or a SQLite file that is not a dataset. Read-only opens never create.
  explicit LatencyDataset(const std::filesystem::path& path, const DatasetOptions& options = {});
  ~LatencyDataset();
  LatencyDataset(const LatencyDataset&) = delete;
  LatencyDataset& operator=(const LatencyDataset&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Creates the device or updates its description (name is the key).
  void put_device(const DatasetDevice& device);
  std::vector<DatasetDevice> devices();

  // Adds one measurement (its device must exist) in its own transaction. Returns false (nothing
  // added) when its uid or (run_key, sample_index) is already there.
  bool add_measurement(Measurement m);
  // Adds all or none (one transaction); returns how many were new.
  int64_t add_measurements(std::vector<Measurement> rows);

  // One device's measurements in insertion order (all devices when empty).
  std::vector<Measurement> measurements(const std::string& device = "");
  int64_t count(const std::string& device = "");
  // sample_index values already stored for a run.
  std::set<int64_t> run_samples(const std::string& run_key);

  // HAT's CSV: imports every row of a file under `device` (created from `device_info` when
  // missing), all or nothing (a malformed row: hat::Error with the line; nothing imported).
  // `template_row` supplies the protocol columns (source length, beam, ...). Re-importing the
  // same file for the same device adds nothing. Returns the rows added.
  int64_t import_hat_csv(const std::filesystem::path& file, const DatasetDevice& device_info,
                         const Measurement& template_row = {});
  // One device's rows as HAT's CSV rows (features, means, stds), insertion order.
  std::vector<HatCsvRow> hat_csv_rows(const std::string& device);

  // Adds every device and measurement of another dataset (architectures matched by hash or
  // features), in one transaction. Measurements already present (same uid) are skipped, so
  // merging a file twice adds nothing; another collection of a run already here is `repeated`.
  MergeSummary merge_from(const std::filesystem::path& other,
                          RepeatedRun repeated = RepeatedRun::kLeaveOut);
  // The passes of run `base_run_key` stored (the highest pass number; 0 when none).
  int run_passes(const std::string& base_run_key);

  SqliteDb& db() { return *db_; }

 private:
  int64_t device_id(const std::string& name);
  int64_t architecture_id(const Measurement& m);
  bool insert(const Measurement& m);

  std::filesystem::path path_;
  std::unique_ptr<SqliteDb> db_;
};

// A new random measurement uid (128 bits, hex).
std::string new_measurement_uid();
// Current UTC time, ISO 8601 ("2025-01-31T12:00:00Z").
std::string utc_timestamp();

}  // namespace hat::latency
