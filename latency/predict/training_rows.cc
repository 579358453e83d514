#include "latency/predict/training_rows.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string_view>

#include "devices/error.h"
#include "devices/random.h"
#include "latency/dataset/latency_dataset.h"
#include "latency/dataset/stats.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::latency {

PredictorData training_rows_from_hat_csv(const std::vector<HatCsvRow>& rows,
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

namespace {

// run key -> sample index -> reference total (ms), and the median reference total of a run over
// all its passes (pass_base_run_key): every pass is brought to the one typical speed, so the
// median of an architecture's passes compares like with like.
struct ReferenceTimings {
  std::map<std::string, std::map<int64_t, double>> by_run;
  std::map<std::string, double> typical;

  explicit ReferenceTimings(const std::vector<Measurement>& rows) {
    const size_t suffix = std::string_view(kReferenceRunSuffix).size();
    for (const Measurement& m : rows)
      if (is_reference_timing(m) && m.sample_index)
        by_run[m.run_key->substr(0, m.run_key->size() - suffix)][*m.sample_index] =
            m.encoder.mean_ms + m.decoder.mean_ms;
    std::map<std::string, std::vector<double>> totals;
    for (const auto& [run, timings] : by_run)
      for (const auto& [index, total] : timings) totals[pass_base_run_key(run)].push_back(total);
    for (const auto& [base, t] : totals) typical[base] = median(t);
  }
  // The factor for a sample: 1 without a (positive) reference.
  double speed_factor(const Measurement& m) const {
    if (!m.run_key || !m.sample_index) return 1;
    const auto run = by_run.find(*m.run_key);
    if (run == by_run.end()) return 1;
    const auto t = run->second.find(*m.sample_index);
    if (t == run->second.end() || !(t->second > 0)) return 1;
    return typical.at(pass_base_run_key(*m.run_key)) / t->second;
  }
};

// What makes two measurements timings of one thing: the architecture (only rows that have it:
// HAT's averaged features do not name one) at one setting, mode, thread count and host.
std::string repeat_key(const Measurement& m, const InferenceSetting& s) {
  if (!m.arch) return "";
  return str(arch::arch_hash(*m.arch), " ", m.mode, " vocab ", s.vocab_size, " L ", s.source_length,
             " beam ", s.beam, " qkv ", s.qkv_dim, " threads ", m.threads.value_or(0), " host ",
             m.host.value_or(""));
}

}  // namespace

PredictorData training_rows_from_measurements(const std::vector<Measurement>& rows,
                                        const InferenceSetting& defaults, const std::string& source) {
  PredictorData d;
  d.source = source;
  d.setting = defaults;
  const ReferenceTimings references(rows);
  bool first_factor = true;
  // Repeats of one architecture: the index of its row and every (scaled) timing.
  struct Repeats {
    size_t row;
    std::vector<double> encoder_ms, decoder_ms;
  };
  std::map<std::string, Repeats> repeats;
  for (const Measurement& m : rows) {
    if (is_reference_timing(m)) continue;
    InferenceSetting s = defaults;
    if (m.vocabulary_size) s.vocab_size = *m.vocabulary_size;
    if (m.source_length) s.source_length = *m.source_length;
    if (m.beam) s.beam = *m.beam;
    if (m.qkv_dim) s.qkv_dim = *m.qkv_dim;
    const double factor = references.speed_factor(m);
    if (factor != 1) {
      ++d.speed_normalised_rows;
      d.speed_factor_min = first_factor ? factor : std::min(d.speed_factor_min, factor);
      d.speed_factor_max = first_factor ? factor : std::max(d.speed_factor_max, factor);
      first_factor = false;
    }
    const double encoder_ms = m.encoder.mean_ms * factor, decoder_ms = m.decoder.mean_ms * factor;
    const std::string key = repeat_key(m, s);
    if (!key.empty()) {
      const auto [it, first] = repeats.try_emplace(key, Repeats{d.rows.size(), {}, {}});
      it->second.encoder_ms.push_back(encoder_ms);
      it->second.decoder_ms.push_back(decoder_ms);
      if (!first) {
        ++d.merged_repeats;
        continue;
      }
    }
    PredictorRow r;
    r.arch = m.arch ? summarize_arch(*m.arch, s) : summarize_features(m.features, s);
    r.encoder_ms = encoder_ms;
    r.decoder_ms = decoder_ms;
    d.rows.push_back(r);
  }
  for (const auto& [key, r] : repeats)
    if (r.encoder_ms.size() > 1) {
      d.rows[r.row].encoder_ms = median(r.encoder_ms);
      d.rows[r.row].decoder_ms = median(r.decoder_ms);
    }
  return d;
}

std::vector<size_t> shuffled_rows(size_t rows, uint64_t seed) {
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), size_t{0});
  uint64_t state = seed ^ 0x5EEDull;
  for (size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);
  return order;
}

DataSplit split_rows(size_t rows, uint64_t seed, double train_share, double valid_share) {
  HAT_CHECK(train_share > 0 && valid_share >= 0 && train_share + valid_share < 1,
            "split: shares ", train_share, " and ", valid_share, " leave no test rows");
  const std::vector<size_t> order = shuffled_rows(rows, seed);
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
