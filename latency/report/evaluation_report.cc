#include "latency/report/evaluation_report.h"

#include <algorithm>

#include "devices/error.h"
#include "latency/predict/published.h"
#include "latency/report/format.h"
#include "latency/report/metrics_table.h"
#include "latency/report/predictions_csv.h"
#include "latency/report/published_table.h"

namespace hat::latency {

void print_data_preparation(std::ostream& out, const PredictorData& data) {
  if (data.speed_normalised_rows > 0)
    out << format(
        "%s: %zu measurements scaled to their run's typical machine speed by the "
        "reference timed before each (factors %.3f-%.3f)\n",
        data.source.c_str(), data.speed_normalised_rows, data.speed_factor_min,
        data.speed_factor_max);
  if (data.merged_repeats > 0)
    out << format(
        "%s: %zu repeated measurements merged: each of the %zu rows is its "
        "architecture's median\n",
        data.source.c_str(), data.merged_repeats, data.rows.size());
}

void print_evaluation(std::ostream& out, const std::string& name, const Evaluation& ev) {
  out << format(
      "%s: %zu rows: train %zu, valid %zu, test %zu; %zu rows flagged as measurement "
      "outliers (%zu in test)\n",
      name.c_str(), ev.train_rows + ev.valid_rows + ev.test_rows, ev.train_rows, ev.valid_rows,
      ev.test_rows, ev.outliers, ev.test_outliers);
  out << format(" all %zu test rows:\n", ev.test_rows);
  print_metrics_header(out);
  for (const KindEvaluation& k : ev.kinds) print_metrics_row(out, k.kind, k.all);
  out << format(" without the %zu outlier rows (%zu test rows):\n", ev.test_outliers,
                ev.test_rows - ev.test_outliers);
  print_metrics_header(out);
  for (const KindEvaluation& k : ev.kinds) print_metrics_row(out, k.kind, k.clean);
  const auto mlp = std::find_if(ev.kinds.begin(), ev.kinds.end(),
                                [](const KindEvaluation& k) { return k.kind == "mlp"; });
  if (mlp == ev.kinds.end()) return;
  for (const KindEvaluation& k : ev.kinds)
    if (k.kind != "mlp")
      out << format(" %s against mlp: all rows %s; without outliers %s\n", k.kind.c_str(),
                    describe_comparison(k.all, mlp->all).c_str(),
                    describe_comparison(k.clean, mlp->clean).c_str());
}

void print_splits(std::ostream& out, const std::vector<Evaluation>& evaluations,
                  uint64_t first_seed) {
  const std::vector<KindOverSplits> kinds = summarize_splits(evaluations, "mlp");
  const size_t n = evaluations.size();
  out << format(" over %zu splits (seeds %llu-%llu), each metric's mean:\n", n,
                static_cast<unsigned long long>(first_seed),
                static_cast<unsigned long long>(first_seed + n - 1));
  const bool has_mlp = std::any_of(kinds.begin(), kinds.end(),
                                   [](const KindOverSplits& k) { return k.kind == "mlp"; });
  const auto wins = [&](const std::string& kind, const SplitsSummary& s) {
    std::string line;
    for (int m = 0; m < kComparedMetrics; ++m) {
      line += str(m ? ", " : "", kComparedMetricNames[m], " ", s.better[m]);
      if (s.tied[m]) line += str(" (", s.tied[m], " tied)");
    }
    out << format("  splits where %s beats mlp (of %zu): %s; on all six: %d\n", kind.c_str(), n,
                  line.c_str(), s.better_on_all_metrics);
  };
  const bool any_outliers = std::any_of(evaluations.begin(), evaluations.end(),
                                        [](const Evaluation& ev) { return ev.test_outliers > 0; });
  for (const bool clean : {false, true}) {
    if (clean && !any_outliers) break;
    out << (clean ? " without outlier rows:\n" : " all test rows:\n");
    print_metrics_header(out);
    for (const KindOverSplits& k : kinds)
      print_metrics_row(out, k.kind, (clean ? k.clean : k.all).mean);
    if (!has_mlp) continue;
    for (const KindOverSplits& k : kinds)
      if (k.kind != "mlp") wins(k.kind, clean ? k.clean : k.all);
  }
}

void print_extrapolation(std::ostream& out, const std::vector<ExtrapolationCase>& cases) {
  for (const ExtrapolationCase& c : cases) {
    if (c.kinds.empty()) {
      out << format(" extrapolation %s: not enough rows\n", c.name.c_str());
      continue;
    }
    out << format(" extrapolation %s (train %zu rows, test %zu, %zu outliers):", c.name.c_str(),
                  c.train_rows, c.test_rows, c.test_outliers);
    for (const KindEvaluation& k : c.kinds)
      out << format("  %s MAPE %s (%s without outliers)", k.kind.c_str(),
                    percent(k.all.mape).c_str(), percent(k.clean.mape).c_str());
    out << "\n";
  }
}

void report_evaluation(std::ostream& out, std::ostream& progress, const std::string& name,
                       const PredictorData& data, const TrainOptions& options,
                       const EvaluationReportOptions& report) {
  print_data_preparation(out, data);
  const Evaluation ev = evaluate_kinds(data, report.kinds, options);
  print_evaluation(out, name, ev);
  if (report.published)
    print_published(out, arch::published_configs_directory() / "wmt14.en-de" / "subtransformer",
                    *report.published, data.setting, ev);
  if (report.predictions)
    write_predictions(out, *report.predictions, data, ev.test, ev.outlier, ev.kinds);
  if (report.extrapolate)
    print_extrapolation(out, evaluate_extrapolation(data, report.kinds, options));
  if (report.splits <= 1) return;
  out.flush();  // the table so far before the progress lines
  TrainOptions next = options;
  next.seed = options.seed + 1;
  std::vector<Evaluation> all = {ev};
  for (Evaluation& e :
       evaluate_kinds_over_splits(data, report.kinds, next, report.splits - 1, [&](int done, int) {
         progress << "hatpredict: " << name << ": split " << done + 1 << " of " << report.splits
                  << " done\n";
       }))
    all.push_back(std::move(e));
  print_splits(out, all, options.seed);
}

}  // namespace hat::latency
