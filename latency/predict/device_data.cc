#include "latency/predict/device_data.h"

#include <algorithm>
#include <fstream>

#include "devices/error.h"
#include "latency/dataset/latency_dataset.h"
#include "latency/hat_csv.h"

namespace hat::latency {

InferenceSetting device_setting(const DeviceProfile& p) {
  InferenceSetting s;
  s.vocab_size = p.vocabulary_size;
  s.source_length = p.source_length;
  s.beam = p.beam;
  s.qkv_dim = p.qkv_dim;
  return s;
}

PredictorData load_csv_data(const std::filesystem::path& file, const InferenceSetting& setting) {
  return training_rows_from_hat_csv(read_hat_csv(file), setting, file.string());
}

namespace {

bool is_sqlite_file(const std::filesystem::path& file) {
  static constexpr char kMagic[] = "SQLite format 3";  // with its NUL: the header's 16 bytes
  char head[sizeof kMagic] = {};
  std::ifstream in(file, std::ios::binary);
  return in.read(head, sizeof head) && std::equal(head, head + sizeof head, kMagic);
}

// A hatprofile dataset's rows of `device` (every device's when empty), opened read-only.
PredictorData read_dataset(const std::filesystem::path& file, const std::string& device,
                           const InferenceSetting& setting) {
  DatasetOptions options;
  options.read_only = true;
  LatencyDataset dataset(file, options);
  return training_rows_from_measurements(dataset.measurements(device), setting, file.string());
}

}  // namespace

PredictorData load_data_file(const std::filesystem::path& file, const InferenceSetting& setting) {
  HAT_CHECK(std::filesystem::exists(file), file.string(), ": no such file");
  if (!is_sqlite_file(file)) return load_csv_data(file, setting);
  PredictorData d = read_dataset(file, "", setting);
  HAT_CHECK(!d.rows.empty(), file.string(), ": no measurements");
  const InferenceSetting first = d.rows.front().arch.setting;
  if (std::all_of(d.rows.begin(), d.rows.end(),
                  [&](const PredictorRow& r) { return r.arch.setting == first; }))
    d.setting = first;
  return d;
}

PredictorData load_device_data(const DeviceProfile& p) {
  const InferenceSetting setting = device_setting(p);
  HAT_CHECK(std::filesystem::exists(p.data_file), "device '", p.name, "': its data file ",
            p.data_file.string(), " does not exist (profile ", p.profile_file.string(), ")");
  if (p.data_format == LatencyDataFormat::hat_csv) return load_csv_data(p.data_file, setting);
  PredictorData d = read_dataset(p.data_file, p.name, setting);
  HAT_CHECK(!d.rows.empty(), p.data_file.string(), ": no measurements of device '", p.name, "'");
  return d;
}

}  // namespace hat::latency
