// `hatpredict eval --splits`: the same evaluation over several seeds, and the summary of each
// kind's mean metrics and of the splits on which it beat the baseline.
#include <gtest/gtest.h>

#include "devices/error.h"
#include "latency/predict/evaluation.h"
#include "tests/latency/predict_test_data.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

KindEvaluation scored(const std::string& kind, double mape, double tau) {
  KindEvaluation k;
  k.kind = kind;
  k.all.count = 100;
  k.all.rmse_ms = 100 * mape;
  k.all.mape = mape;
  k.all.within5 = 0.5;  // the same for every kind: tied
  k.all.within10 = 1 - mape;
  k.all.kendall_tau = tau;
  k.all.spearman_rho = tau;
  k.clean = k.all;
  return k;
}

Evaluation split_of(std::vector<KindEvaluation> kinds) {
  Evaluation ev;
  ev.kinds = std::move(kinds);
  return ev;
}

TEST(PredictSplits, SummaryCountsBetterTiedAndWorseSplits) {
  // hybrid beats mlp on MAPE, RMSE and <=10% in both splits, on the rank metrics in the first.
  const std::vector<Evaluation> splits = {
      split_of({scored("mlp", 0.05, 0.80), scored("hybrid", 0.04, 0.85)}),
      split_of({scored("mlp", 0.06, 0.90), scored("hybrid", 0.03, 0.88)})};
  const std::vector<KindOverSplits> s = summarize_splits(splits, "mlp");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].kind, "mlp");
  EXPECT_EQ(s[0].all.tied, (std::array<int, kComparedMetrics>{2, 2, 2, 2, 2, 2}));  // itself
  EXPECT_EQ(s[0].all.better_on_all_metrics, 0);
  const KindOverSplits& h = s[1];
  EXPECT_EQ(h.kind, "hybrid");
  EXPECT_EQ(h.all.better, (std::array<int, kComparedMetrics>{2, 2, 0, 2, 1, 1}));
  EXPECT_EQ(h.all.tied, (std::array<int, kComparedMetrics>{0, 0, 2, 0, 0, 0}));
  EXPECT_EQ(h.clean.better, h.all.better);
  EXPECT_EQ(h.all.better_on_all_metrics, 0);  // <=5% ties in both
  EXPECT_DOUBLE_EQ(h.all.mean.mape, 0.035);
  EXPECT_DOUBLE_EQ(h.all.mean.kendall_tau, (0.85 + 0.88) / 2);
  EXPECT_DOUBLE_EQ(s[0].all.mean.rmse_ms, 5.5);

  // Without the baseline among the kinds: means, and no counts.
  const std::vector<KindOverSplits> none = summarize_splits(splits, "ops");
  EXPECT_EQ(none[1].all.better, (std::array<int, kComparedMetrics>{}));
  EXPECT_DOUBLE_EQ(none[1].all.mean.mape, 0.035);
}

TEST(PredictSplits, SummaryRefusesNothingOrDifferentKinds) {
  test::expect_error([] { summarize_splits({}, "mlp"); }, {"no evaluations"});
  test::expect_error(
      [] {
        summarize_splits({split_of({scored("mlp", 0.05, 0.8)}), split_of({scored("ops", 0.05, 0.8)})},
                         "mlp");
      },
      {"kind ops where mlp was"});
  test::expect_error(
      [] {
        summarize_splits({split_of({scored("mlp", 0.05, 0.8)}), split_of({})}, "mlp");
      },
      {"different kinds"});
}

TEST(PredictSplits, EachSplitHasItsOwnSeedAndTheTrueModelWinsEveryOne) {
  // Rows timed by a known operator model with 3% noise: ops, which can represent it, beats an
  // MLP trained for only 50 steps on every metric of every split.
  const PredictorData data = test_data::synthetic_data(300, 5, true, test_data::known_ops(), 0.03);
  TrainOptions o;
  o.seed = 7;
  o.mlp_steps = 50;
  o.target_scale_ms = 0;
  std::vector<int> heard;
  const std::vector<Evaluation> splits = evaluate_kinds_over_splits(
      data, {"mlp", "ops"}, o, 3, [&](int done, int of) {
        EXPECT_EQ(of, 3);
        heard.push_back(done);
      });
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(heard, (std::vector<int>{1, 2, 3}));
  // Split k is the split of seed 7 + k.
  for (int k = 0; k < 3; ++k)
    EXPECT_EQ(splits[k].test, split_rows(data.rows.size(), 7 + k).test) << "split " << k;
  EXPECT_NE(splits[0].test, splits[1].test);
  const std::vector<KindOverSplits> s = summarize_splits(splits, "mlp");
  EXPECT_EQ(s[1].kind, "ops");
  EXPECT_EQ(s[1].all.better_on_all_metrics, 3);
  EXPECT_EQ(s[1].all.better, (std::array<int, kComparedMetrics>{3, 3, 3, 3, 3, 3}));
  EXPECT_LT(s[1].all.mean.mape, 0.05);
  test::expect_error([&] { evaluate_kinds_over_splits(data, {"ops"}, o, 0); }, {"at least one"});
}

}  // namespace
}  // namespace hat::latency
