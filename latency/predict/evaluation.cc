#include "latency/predict/evaluation.h"

#include <chrono>

#include "devices/error.h"

namespace hat::latency {

std::vector<size_t> every_row(const PredictorData& data) {
  std::vector<size_t> rows(data.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  return rows;
}

std::vector<double> predict_totals(const LatencyPredictor& predictor, const PredictorData& data,
                                   const std::vector<size_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (size_t i : rows) {
    out.push_back(predictor.predict(data.rows[i].arch).total_ms);
  }
  return out;
}

namespace {

std::vector<double> measured_totals(const PredictorData& data, const std::vector<size_t>& rows) {
  std::vector<double> out;
  for (size_t i : rows) out.push_back(data.rows[i].total_ms());
  return out;
}

// Trains `kind` and scores it on `test` (all rows, and those not flagged).
KindEvaluation train_and_score(const std::string& kind, const PredictorData& train_data,
                               const std::vector<size_t>& train, const std::vector<size_t>& valid,
                               const PredictorData& test_data, const std::vector<size_t>& test,
                               const std::vector<bool>& test_flags, const TrainOptions& o) {
  KindEvaluation e;
  e.kind = kind;
  const auto start = std::chrono::steady_clock::now();
  e.predictor = train_predictor(kind, train_data, train, valid, o);
  const LatencyPredictor& p = e.predictor;
  e.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<double> pred = predict_totals(p, test_data, test);
  const std::vector<double> meas = measured_totals(test_data, test);
  e.all = compute_metrics(pred, meas);
  std::vector<double> cp, cm;
  for (size_t k = 0; k < test.size(); ++k)
    if (!test_flags[test[k]]) cp.push_back(pred[k]), cm.push_back(meas[k]);
  e.clean = cp.empty() ? e.all : compute_metrics(cp, cm);
  if (o.log)
    o.log(str(kind, ": trained in ", e.train_seconds, " s, test MAPE ", 100 * e.all.mape, "%"));
  return e;
}

size_t count_flags(const std::vector<bool>& flags, const std::vector<size_t>& rows) {
  size_t n = 0;
  for (size_t i : rows) n += flags[i];
  return n;
}

}  // namespace

Evaluation evaluate_kinds(const PredictorData& data, const std::vector<std::string>& kinds,
                          const TrainOptions& o) {
  for (const std::string& k : kinds) check_kind(k);
  HAT_CHECK(data.rows.size() >= kMinTrainingRows * 10 / 8 + 2, "evaluating needs at least ",
            kMinTrainingRows * 10 / 8 + 2, " rows (80/10/10 split), ", data.source, " has ",
            data.rows.size());
  const DataSplit split = split_rows(data.rows.size(), o.seed);
  const std::vector<bool> flags =
      flag_outliers(data, fit_ops(data, split.train), o.outlier_factor);
  Evaluation ev;
  ev.train_rows = split.train.size();
  ev.valid_rows = split.valid.size();
  ev.test_rows = split.test.size();
  for (bool f : flags) ev.outliers += f;
  ev.test_outliers = count_flags(flags, split.test);
  ev.test = split.test;
  ev.outlier = flags;
  for (const std::string& kind : kinds)
    ev.kinds.push_back(
        train_and_score(kind, data, split.train, split.valid, data, split.test, flags, o));
  return ev;
}

std::vector<Evaluation> evaluate_kinds_over_splits(
    const PredictorData& data, const std::vector<std::string>& kinds, const TrainOptions& options,
    int splits, const std::function<void(int, int)>& progress) {
  HAT_CHECK(splits >= 1, "evaluating over splits needs at least one, not ", splits);
  std::vector<Evaluation> out;
  TrainOptions o = options;
  for (int k = 0; k < splits; ++k) {
    o.seed = options.seed + static_cast<uint64_t>(k);
    out.push_back(evaluate_kinds(data, kinds, o));
    if (progress) progress(k + 1, splits);
  }
  return out;
}

std::vector<KindOverSplits> summarize_splits(const std::vector<Evaluation>& evaluations,
                                             const std::string& baseline) {
  HAT_CHECK(!evaluations.empty(), "summarize_splits: no evaluations");
  const std::vector<KindEvaluation>& first = evaluations.front().kinds;
  for (const Evaluation& ev : evaluations) {
    HAT_CHECK(ev.kinds.size() == first.size(), "summarize_splits: evaluations of different kinds");
    for (size_t j = 0; j < first.size(); ++j)
      HAT_CHECK(ev.kinds[j].kind == first[j].kind, "summarize_splits: kind ", ev.kinds[j].kind,
                " where ", first[j].kind, " was");
  }
  int base = -1;
  for (size_t j = 0; j < first.size(); ++j)
    if (first[j].kind == baseline) base = static_cast<int>(j);
  // Adds one split's comparison with the baseline to a summary's counts.
  const auto count = [](const std::array<int, kComparedMetrics>& c, SplitsSummary& s) {
    bool everywhere = true;
    for (int m = 0; m < kComparedMetrics; ++m) {
      s.better[m] += c[m] > 0;
      s.tied[m] += c[m] == 0;
      everywhere = everywhere && c[m] > 0;
    }
    s.better_on_all_metrics += everywhere;
  };
  std::vector<KindOverSplits> out;
  for (size_t j = 0; j < first.size(); ++j) {
    KindOverSplits s;
    s.kind = first[j].kind;
    std::vector<PredictionMetrics> all, clean;
    for (const Evaluation& ev : evaluations) {
      const KindEvaluation& k = ev.kinds[j];
      all.push_back(k.all);
      clean.push_back(k.clean);
      if (base < 0) continue;
      const KindEvaluation& b = ev.kinds[base];
      count(compare_metrics(k.all, b.all), s.all);
      count(compare_metrics(k.clean, b.clean), s.clean);
    }
    s.all.mean = mean_metrics(all);
    s.clean.mean = mean_metrics(clean);
    out.push_back(s);
  }
  return out;
}

std::vector<ExtrapolationCase> evaluate_extrapolation(const PredictorData& data,
                                                      const std::vector<std::string>& kinds,
                                                      const TrainOptions& o) {
  struct Rule {
    const char* name;
    bool (*train)(const HatFeatures&);
    bool (*test)(const HatFeatures&);
  };
  const Rule rules[] = {
      {"embed 640 -> 512", [](const HatFeatures& f) { return f[0] == 640 && f[4] == 640; },
       [](const HatFeatures& f) { return f[0] == 512 && f[4] == 512; }},
      {"decoder layers 1-3 -> 4-6", [](const HatFeatures& f) { return f[5] <= 3; },
       [](const HatFeatures& f) { return f[5] >= 4; }}};
  std::vector<ExtrapolationCase> out;
  for (const Rule& rule : rules) {
    std::vector<size_t> side, test;
    for (size_t i = 0; i < data.rows.size(); ++i) {
      if (rule.train(data.rows[i].arch.features)) side.push_back(i);
      if (rule.test(data.rows[i].arch.features)) test.push_back(i);
    }
    ExtrapolationCase c;
    c.name = rule.name;
    if (side.size() < kMinTrainingRows * 2 || test.empty()) {
      out.push_back(c);
      continue;
    }
    const DataSplit s = split_rows(side.size(), o.seed, 0.9, 0.09);
    std::vector<size_t> train, valid;
    for (size_t k : s.train) train.push_back(side[k]);
    for (size_t k : s.valid) valid.push_back(side[k]);
    const std::vector<bool> flags = flag_outliers(data, fit_ops(data, train), o.outlier_factor);
    c.train_rows = train.size();
    c.test_rows = test.size();
    c.test_outliers = count_flags(flags, test);
    for (const std::string& kind : kinds)
      c.kinds.push_back(train_and_score(kind, data, train, valid, data, test, flags, o));
    out.push_back(c);
  }
  return out;
}

std::vector<bool> transfer_target_outliers(const PredictorData& to, const TrainOptions& o) {
  return flag_outliers(to, fit_ops(to, every_row(to)), o.outlier_factor);
}

KindEvaluation evaluate_transfer(const std::string& kind, const PredictorData& from,
                                 const PredictorData& to, const TrainOptions& o) {
  HAT_CHECK(!to.rows.empty(), "transfer: ", to.source, " has no rows");
  // Every row of `from` trains (host profiles are small); hybrid then keeps its last weights.
  return train_and_score(kind, from, every_row(from), {}, to, every_row(to),
                         transfer_target_outliers(to, o), o);
}

}  // namespace hat::latency
