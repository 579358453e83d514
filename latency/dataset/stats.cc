#include "latency/dataset/stats.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "supernet/arch/arch_yaml.h"

namespace hat::latency {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

namespace {

// Identity of an architecture: its hash, else its feature vector.
std::string arch_key(const Measurement& m) {
  if (m.arch) return arch::arch_hash(*m.arch);
  std::string key = "features:";
  for (double f : m.features) key += std::to_string(f) + ",";
  return key;
}

double coefficient_of_variation(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double var = 0;
  for (double v : values) var += (v - mean) * (v - mean);
  var /= static_cast<double>(values.size() - 1);  // sample std: few repeats
  return mean > 0 ? std::sqrt(var) / mean : 0;
}

}  // namespace

DeviceStats device_stats(const std::string& device, const std::vector<Measurement>& all_rows) {
  DeviceStats s;
  s.device = device;
  std::vector<Measurement> rows;
  std::vector<double> reference_totals;
  for (const Measurement& m : all_rows) {
    if (is_reference_timing(m)) reference_totals.push_back(m.total_ms());
    else rows.push_back(m);
  }
  s.reference_rows = static_cast<int64_t>(reference_totals.size());
  s.reference_cv = coefficient_of_variation(reference_totals);
  s.rows = static_cast<int64_t>(rows.size());
  if (rows.empty()) return s;
  std::vector<double> totals, encoders, decoders, within;
  std::map<std::string, std::vector<double>> by_arch;
  std::map<std::string, int64_t> implementations;
  for (const Measurement& m : rows) {
    if (m.implementations) {
      ++s.rows_with_implementations;
      for (const std::string& name : split_implementations(*m.implementations))
        ++implementations[name];
    }
    const double total = m.total_ms();
    totals.push_back(total);
    encoders.push_back(m.encoder.mean_ms);
    decoders.push_back(m.decoder.mean_ms);
    if (total > 0)
      within.push_back(std::hypot(m.encoder.std_ms, m.decoder.std_ms) / total);
    by_arch[arch_key(m)].push_back(total);
  }
  s.implementations.assign(implementations.begin(), implementations.end());
  s.architectures = static_cast<int64_t>(by_arch.size());
  s.total_min_ms = *std::min_element(totals.begin(), totals.end());
  s.total_max_ms = *std::max_element(totals.begin(), totals.end());
  s.total_median_ms = median(totals);
  s.encoder_median_ms = median(encoders);
  s.decoder_median_ms = median(decoders);
  s.within_cv_median = median(within);
  std::vector<double> repeat_cvs;
  for (const auto& [key, values] : by_arch)
    if (values.size() >= 2) repeat_cvs.push_back(coefficient_of_variation(values));
  s.repeated_architectures = static_cast<int64_t>(repeat_cvs.size());
  s.repeat_cv_median = median(repeat_cvs);
  return s;
}

std::vector<DeviceStats> dataset_stats(LatencyDataset& dataset) {
  std::vector<DeviceStats> out;
  for (const DatasetDevice& d : dataset.devices())
    out.push_back(device_stats(d.name, dataset.measurements(d.name)));
  return out;
}

}  // namespace hat::latency
