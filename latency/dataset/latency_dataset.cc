#include "latency/dataset/latency_dataset.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <random>
#include <string_view>

#include "devices/error.h"
#include "latency/dataset/schema.h"
#include "latency/dataset/sqlite_db.h"
#include "supernet/arch/arch_yaml.h"
#include "util/sha256.h"

namespace hat::latency {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFeatureList =
    "encoder_embed_dim, encoder_layer_num, encoder_ffn_embed_dim_avg, "
    "encoder_self_attention_heads_avg, decoder_embed_dim, decoder_layer_num, "
    "decoder_ffn_embed_dim_avg, decoder_self_attention_heads_avg, "
    "decoder_ende_attention_heads_avg, decoder_arbitrary_ende_attn_avg";

// The measurement columns in the order insert() binds and measurements() reads them.
constexpr const char* kMeasurementColumns =
    "uid, mode, encoder_mean_ms, encoder_std_ms, encoder_median_ms, decoder_mean_ms, "
    "decoder_std_ms, decoder_median_ms, source_length, beam, warmups, iterations, trim, threads, "
    "vocabulary_size, qkv_dim, weights, library_versions, host, measured_at, source, run_key, "
    "sample_index, implementations";
constexpr int kMeasurementColumnCount = 24;

std::optional<int64_t> optional_int(const SqliteStatement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return s.column_int(column);
}

}  // namespace

std::string new_measurement_uid() {
  std::random_device device;
  std::string hex;
  static const char* digits = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t word = device();
    for (int k = 0; k < 8; ++k, word >>= 4) hex += digits[word & 0xf];
  }
  return hex;
}

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

LatencyDataset::LatencyDataset(const fs::path& path, const DatasetOptions& options) : path_(path) {
  if (options.read_only) {
    std::error_code ec;
    HAT_CHECK(fs::is_regular_file(path, ec), path.string(), ": no such latency dataset");
  } else if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  db_ = std::make_unique<SqliteDb>(path, options.read_only, !options.read_only,
                                   options.busy_timeout_ms);
  if (options.read_only) {
    check_latency_schema_readable(*db_);
  } else {
    ensure_latency_schema(*db_);
  }
}

LatencyDataset::~LatencyDataset() = default;

void LatencyDataset::put_device(const DatasetDevice& d) {
  HAT_CHECK(!d.name.empty(), path_.string(), ": a device needs a name");
  db_->write_transaction([&] {
    SqliteStatement s(*db_,
                      "INSERT INTO devices(name, hardware, backend, threads) VALUES(?, ?, ?, ?) "
                      "ON CONFLICT(name) DO UPDATE SET hardware = excluded.hardware, "
                      "backend = excluded.backend, threads = excluded.threads");
    s.bind(1, d.name).bind(2, d.hardware).bind(3, d.backend).bind(4, int64_t{d.threads}).run();
  });
}

std::vector<DatasetDevice> LatencyDataset::devices() {
  SqliteStatement s(*db_, "SELECT name, hardware, backend, threads FROM devices ORDER BY name");
  std::vector<DatasetDevice> out;
  while (s.step())
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2),
                   static_cast<int>(s.column_int(3))});
  return out;
}

int64_t LatencyDataset::device_id(const std::string& name) {
  SqliteStatement s(*db_, "SELECT id FROM devices WHERE name = ?");
  s.bind(1, name);
  HAT_CHECK(s.step(), path_.string(), ": no device '", name, "' in the dataset");
  return s.column_int(0);
}

// The architecture's row, created when new: by hash when the text is known, else by features.
int64_t LatencyDataset::architecture_id(const Measurement& m) {
  const std::optional<std::string> hash =
      m.arch ? std::optional<std::string>(arch::arch_hash(*m.arch)) : std::nullopt;
  {
    SqliteStatement find(*db_, hash ? std::string("SELECT id FROM architectures WHERE arch_hash = ?")
                                    : str("SELECT id FROM architectures WHERE arch_hash IS NULL AND (",
                                          kFeatureList, ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (hash) {
      find.bind(1, *hash);
    } else {
      for (int i = 0; i < kHatFeatureCount; ++i) find.bind(i + 1, m.features[i]);
    }
    if (find.step()) return find.column_int(0);
  }
  const HatFeatures features = m.arch ? hat_features(*m.arch) : m.features;
  SqliteStatement insert(*db_, str("INSERT INTO architectures(arch_hash, arch_yaml, ", kFeatureList,
                                   ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.bind(1, hash).bind(
      2, m.arch ? std::optional<std::string>(arch::arch_to_yaml(*m.arch)) : std::nullopt);
  for (int i = 0; i < kHatFeatureCount; ++i) insert.bind(i + 3, features[i]);
  insert.run();
  return db_->last_insert_rowid();
}

bool LatencyDataset::insert(const Measurement& m) {
  for (double v : {m.encoder.mean_ms, m.decoder.mean_ms, m.encoder.std_ms, m.decoder.std_ms})
    HAT_CHECK(std::isfinite(v) && v >= 0, path_.string(), ": measurement with a negative or "
              "non-finite latency (", v, " ms)");
  const int64_t device = device_id(m.device);
  const int64_t arch = architecture_id(m);
  SqliteStatement s(*db_, str("INSERT OR IGNORE INTO measurements(device_id, architecture_id, ",
                              kMeasurementColumns, ") VALUES(?, ?",
                              [] {
                                std::string q;
                                for (int i = 0; i < kMeasurementColumnCount; ++i) q += ", ?";
                                return q;
                              }(),
                              ")"));
  int k = 0;
  const auto next = [&k] { return ++k; };
  const auto bind_int = [&](const std::optional<int64_t>& v) {
    if (v) s.bind(next(), *v); else s.bind_null(next());
  };
  s.bind(next(), device);
  s.bind(next(), arch);
  s.bind(next(), m.uid.empty() ? new_measurement_uid() : m.uid);
  s.bind(next(), m.mode);
  for (const PartLatency* part : {&m.encoder, &m.decoder}) {
    s.bind(next(), part->mean_ms);
    s.bind(next(), part->std_ms);
    s.bind(next(), part->median_ms);
  }
  for (const auto& v : {m.source_length, m.beam, m.warmups, m.iterations}) bind_int(v);
  s.bind(next(), m.trim);
  for (const auto& v : {m.threads, m.vocabulary_size, m.qkv_dim}) bind_int(v);
  for (const auto* v : {&m.weights, &m.library_versions, &m.host, &m.measured_at, &m.source, &m.run_key})
    s.bind(next(), *v);
  bind_int(m.sample_index);
  s.bind(next(), m.implementations);
  s.run();
  return db_->changes() > 0;
}

bool LatencyDataset::add_measurement(Measurement m) {
  bool added = false;
  db_->write_transaction([&] { added = insert(m); });
  return added;
}

int64_t LatencyDataset::add_measurements(std::vector<Measurement> rows) {
  int64_t added = 0;
  db_->write_transaction([&] {
    added = 0;
    for (const Measurement& m : rows) added += insert(m) ? 1 : 0;
  });
  return added;
}

std::vector<Measurement> LatencyDataset::measurements(const std::string& device) {
  // Measurement columns qualified with "m." (devices has a threads column too).
  std::string columns = std::string("m.") + kMeasurementColumns;
  for (size_t at = columns.find(", "); at != std::string::npos; at = columns.find(", ", at + 4))
    columns.replace(at, 2, ", m.");
  SqliteStatement s(*db_, str("SELECT d.name, a.arch_yaml, ", kFeatureList, ", ", columns,
                              " FROM measurements m JOIN devices d ON d.id = m.device_id "
                              "JOIN architectures a ON a.id = m.architecture_id",
                              device.empty() ? "" : " WHERE d.name = ?", " ORDER BY m.id"));
  if (!device.empty()) s.bind(1, device);
  std::vector<Measurement> out;
  while (s.step()) {
    Measurement m;
    int k = 0;
    m.device = s.column_text(k++);
    if (!s.is_null(k))
      m.arch = arch::arch_from_yaml(s.column_text(k), path_.string() + " architecture");
    ++k;
    for (int i = 0; i < kHatFeatureCount; ++i) m.features[i] = s.column_double(k++);
    m.uid = s.column_text(k++);
    m.mode = s.column_text(k++);
    m.encoder = {s.column_double(k), s.column_double(k + 1), s.column_optional_double(k + 2)};
    k += 3;
    m.decoder = {s.column_double(k), s.column_double(k + 1), s.column_optional_double(k + 2)};
    k += 3;
    m.source_length = optional_int(s, k++);
    m.beam = optional_int(s, k++);
    m.warmups = optional_int(s, k++);
    m.iterations = optional_int(s, k++);
    m.trim = s.column_optional_double(k++);
    m.threads = optional_int(s, k++);
    m.vocabulary_size = optional_int(s, k++);
    m.qkv_dim = optional_int(s, k++);
    m.weights = s.column_optional_text(k++);
    m.library_versions = s.column_optional_text(k++);
    m.host = s.column_optional_text(k++);
    m.measured_at = s.column_optional_text(k++);
    m.source = s.column_optional_text(k++);
    m.run_key = s.column_optional_text(k++);
    m.sample_index = optional_int(s, k++);
    m.implementations = s.column_optional_text(k++);
    out.push_back(std::move(m));
  }
  return out;
}

int64_t LatencyDataset::count(const std::string& device) {
  SqliteStatement s(*db_, device.empty() ? std::string("SELECT count(*) FROM measurements")
                                         : std::string("SELECT count(*) FROM measurements m JOIN "
                                                       "devices d ON d.id = m.device_id WHERE d.name = ?"));
  if (!device.empty()) s.bind(1, device);
  s.step();
  return s.column_int(0);
}

std::set<int64_t> LatencyDataset::run_samples(const std::string& run_key) {
  SqliteStatement s(*db_, "SELECT sample_index FROM measurements WHERE run_key = ?");
  s.bind(1, run_key);
  std::set<int64_t> out;
  while (s.step()) out.insert(s.column_int(0));
  return out;
}

int64_t LatencyDataset::import_hat_csv(const fs::path& file, const DatasetDevice& device_info,
                                       const Measurement& template_row) {
  // Parse everything first: a malformed row throws (with its line) before anything is written.
  const std::vector<HatCsvRow> rows = read_hat_csv(file);
  const std::string file_hash = util::sha256_file(file);
  std::vector<Measurement> measurements;
  measurements.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    Measurement m = template_row;
    m.device = device_info.name;
    m.arch.reset();
    m.features = rows[i].features;
    m.mode = "imported";
    m.encoder = {rows[i].encoder_mean_ms, rows[i].encoder_std_ms, std::nullopt};
    m.decoder = {rows[i].decoder_mean_ms, rows[i].decoder_std_ms, std::nullopt};
    // Deterministic: importing the same file for the same device twice adds nothing.
    m.uid = util::sha256_hex(str(device_info.name, "\n", file_hash, "\n", i)).substr(0, 32);
    if (!m.source) m.source = str("imported from ", file.filename().string(), " (sha256 ", file_hash, ")");
    m.run_key.reset();
    m.sample_index.reset();
    m.implementations.reset();  // HAT's CSV does not say what ran
    measurements.push_back(std::move(m));
  }
  int64_t added = 0;
  db_->write_transaction([&] {
    SqliteStatement find(*db_, "SELECT 1 FROM devices WHERE name = ?");
    find.bind(1, device_info.name);
    if (!find.step()) {
      SqliteStatement s(*db_, "INSERT INTO devices(name, hardware, backend, threads) VALUES(?, ?, ?, ?)");
      s.bind(1, device_info.name).bind(2, device_info.hardware).bind(3, device_info.backend);
      s.bind(4, int64_t{device_info.threads}).run();
    }
    for (const Measurement& m : measurements) added += insert(m) ? 1 : 0;
  });
  return added;
}

bool is_reference_timing(const Measurement& m) {
  const std::string_view suffix = kReferenceRunSuffix;
  return m.run_key && m.run_key->size() > suffix.size() &&
         std::string_view(*m.run_key).substr(m.run_key->size() - suffix.size()) == suffix;
}

RunKeyParts parse_run_key(const std::string& run_key) {
  RunKeyParts parts{run_key};
  if (parts.base.ends_with(kReferenceRunSuffix)) {
    parts.base.resize(parts.base.size() - std::string_view(kReferenceRunSuffix).size());
    parts.reference = true;
  }
  const size_t at = parts.base.rfind(kPassRunSuffix);
  if (at == std::string::npos) return parts;
  // Only what hatprofile writes is a pass suffix: a decimal pass number >= 2 without leading
  // zeros (so that run_key_of gives back exactly the key parsed).
  const std::string_view digits =
      std::string_view(parts.base).substr(at + std::string_view(kPassRunSuffix).size());
  int pass = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pass);
  if (digits.empty() || digits[0] == '0' || error != std::errc{} ||
      end != digits.data() + digits.size() || pass < 2)
    return parts;
  parts.base.resize(at);
  parts.pass = pass;
  return parts;
}

std::string run_key_of(const RunKeyParts& parts) {
  std::string key = parts.base;
  if (parts.pass != 1) key += kPassRunSuffix + std::to_string(parts.pass);
  if (parts.reference) key += kReferenceRunSuffix;
  return key;
}

std::string pass_base_run_key(const std::string& run_key) { return parse_run_key(run_key).base; }

std::string join_implementations(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::vector<std::string> split_implementations(const std::string& text) {
  std::vector<std::string> names;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find(", ", begin), text.size());
    if (end > begin) names.push_back(text.substr(begin, end - begin));
    begin = end + 2;
  }
  return names;
}

std::vector<HatCsvRow> LatencyDataset::hat_csv_rows(const std::string& device) {
  device_id(device);  // an unknown device is an error, not an empty file
  std::vector<HatCsvRow> out;
  for (const Measurement& m : measurements(device)) {
    if (is_reference_timing(m)) continue;  // a CSV row cannot say what it is the reference of
    HatCsvRow r;
    r.features = m.features;
    r.encoder_mean_ms = m.encoder.mean_ms;
    r.decoder_mean_ms = m.decoder.mean_ms;
    r.encoder_std_ms = m.encoder.std_ms;
    r.decoder_std_ms = m.decoder.std_ms;
    out.push_back(r);
  }
  return out;
}

int LatencyDataset::run_passes(const std::string& base_run_key) {
  // Every key of the run starts with its base: pass and reference keys only add suffixes.
  SqliteStatement s(*db_, "SELECT DISTINCT run_key FROM measurements WHERE substr(run_key, 1, ?) = ?");
  s.bind(1, static_cast<int64_t>(base_run_key.size())).bind(2, base_run_key);
  int passes = 0;
  while (s.step()) {
    const RunKeyParts parts = parse_run_key(s.column_text(0));
    if (parts.base == base_run_key) passes = std::max(passes, parts.pass);
  }
  return passes;
}

MergeSummary LatencyDataset::merge_from(const fs::path& other_path, RepeatedRun repeated) {
  HAT_CHECK(fs::weakly_canonical(other_path) != fs::weakly_canonical(path_), path_.string(),
            ": cannot merge a dataset into itself");
  DatasetOptions options;
  options.read_only = true;
  LatencyDataset other(other_path, options);
  const std::vector<DatasetDevice> devices = other.devices();
  const std::vector<Measurement> rows = other.measurements();
  MergeSummary summary;
  db_->write_transaction([&] {
    for (const DatasetDevice& d : devices) {
      SqliteStatement s(*db_, "INSERT OR IGNORE INTO devices(name, hardware, backend, threads) "
                              "VALUES(?, ?, ?, ?)");
      s.bind(1, d.name).bind(2, d.hardware).bind(3, d.backend).bind(4, int64_t{d.threads}).run();
    }
    SqliteStatement has_uid(*db_, "SELECT 1 FROM measurements WHERE uid = ?");
    const auto stored = [&](const Measurement& m) {
      has_uid.bind(1, m.uid);
      const bool found = has_uid.step();
      has_uid.reset();
      return found;
    };
    // kAsPasses: for each run of the other file that is another collection of a run here (none
    // of its rows is here, so it is no copy merged before, yet some of its samples are taken),
    // the passes already here, by base run key.
    std::map<std::string, int> pass_offset;
    if (repeated == RepeatedRun::kAsPasses) {
      SqliteStatement has_sample(*db_, "SELECT 1 FROM measurements WHERE run_key = ? AND sample_index = ?");
      const auto sample_taken = [&](const Measurement& m) {
        if (!m.sample_index) return false;
        has_sample.bind(1, *m.run_key).bind(2, *m.sample_index);
        const bool found = has_sample.step();
        has_sample.reset();
        return found;
      };
      std::map<std::string, std::pair<bool, bool>> copied_and_taken;  // by base run key
      for (const Measurement& m : rows) {
        if (!m.run_key) continue;
        auto& [copied, taken] = copied_and_taken[pass_base_run_key(*m.run_key)];
        copied = copied || stored(m);
        taken = taken || sample_taken(m);
      }
      for (const auto& [base, state] : copied_and_taken)
        if (const auto& [copied, taken] = state; !copied && taken) pass_offset[base] = run_passes(base);
    }
    summary.runs_as_passes = static_cast<int64_t>(pass_offset.size());
    for (const Measurement& m : rows) {
      const auto offset = m.run_key ? pass_offset.find(pass_base_run_key(*m.run_key)) : pass_offset.end();
      if (offset == pass_offset.end()) {
        if (insert(m)) ++summary.added;
        else if (!stored(m)) ++summary.left_out;  // not a copy: its run and sample are taken
        continue;
      }
      Measurement shifted = m;
      RunKeyParts key = parse_run_key(*m.run_key);
      key.pass += offset->second;
      shifted.run_key = run_key_of(key);
      if (insert(shifted)) ++summary.added;
    }
  });
  return summary;
}

}  // namespace hat::latency
