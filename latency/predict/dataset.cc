#include "latency/predict/dataset.h"

#include <cmath>
#include <numeric>

#include "devices/error.h"
#include "devices/random.h"
#include "latency/dataset/latency_dataset.h"

namespace hat::latency {

PredictorData dataset_from_hat_rows(const std::vector<HatCsvRow>& rows,
                                     const InferenceSetting& setting, const std::string& source) {
  PredictorData d;
  d.source = source;
  d.setting = setting;
  d.rows.reserve(rows.size());
  for (const HatCsvRow& r : rows) {
    PredictorRow s;
    s.arch = summarize_features(r.features, setting);
    s.encoder_ms = r.encoder_mean_ms;
    s.decoder_ms = r.decoder_mean_ms;
    d.rows.push_back(s);
  }
  return d;
}

PredictorData dataset_from_measurements(const std::vector<Measurement>& rows,
                                        const InferenceSetting& defaults, const std::string& source) {
  PredictorData d;
  d.source = source;
  d.setting = defaults;
  for (const Measurement& m : rows) {
    InferenceSetting s = defaults;
    if (m.vocabulary_size) s.vocab_size = *m.vocabulary_size;
    if (m.source_length) s.source_length = *m.source_length;
    if (m.beam) s.beam = *m.beam;
    if (m.qkv_dim) s.qkv_dim = *m.qkv_dim;
    PredictorRow r;
    r.arch = m.arch ? summarize_arch(*m.arch, s) : summarize_features(m.features, s);
    r.encoder_ms = m.encoder.mean_ms;
    r.decoder_ms = m.decoder.mean_ms;
    d.rows.push_back(r);
  }
  return d;
}

DataSplit split_rows(size_t rows, uint64_t seed, double train_share, double valid_share) {
  HAT_CHECK(train_share > 0 && valid_share >= 0 && train_share + valid_share < 1,
            "split: shares ", train_share, " and ", valid_share, " leave no test rows");
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), size_t{0});
  uint64_t state = seed ^ 0x5EEDull;
  for (size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);
  const size_t n_train = static_cast<size_t>(std::floor(train_share * static_cast<double>(rows)));
  const size_t n_valid = static_cast<size_t>(std::floor(valid_share * static_cast<double>(rows)));
  DataSplit s;
  s.train.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_train));
  s.valid.assign(order.begin() + static_cast<std::ptrdiff_t>(n_train),
                 order.begin() + static_cast<std::ptrdiff_t>(n_train + n_valid));
  s.test.assign(order.begin() + static_cast<std::ptrdiff_t>(n_train + n_valid), order.end());
  return s;
}

}  // namespace hat::latency
