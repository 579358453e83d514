// Predictor metrics against values computed by hand.
#include "latency/predict/metrics.h"

#include <cmath>

#include <gtest/gtest.h>

#include "devices/error.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

TEST(PredictMetrics, ErrorsOfThreeRows) {
  const std::vector<double> p = {109, 92, 100}, y = {100, 100, 100};
  EXPECT_DOUBLE_EQ(rmse(p, y), std::sqrt((81.0 + 64.0) / 3));
  EXPECT_DOUBLE_EQ(mape(p, y), (0.09 + 0.08) / 3);
  EXPECT_DOUBLE_EQ(share_within(p, y, 0.05), 1.0 / 3);
  EXPECT_DOUBLE_EQ(share_within(p, y, 0.10), 1.0);
  EXPECT_DOUBLE_EQ(share_within(p, y, 0.085), 2.0 / 3);
}

TEST(PredictMetrics, KendallTauCountsPairs) {
  // One discordant pair of six: (6 - 2 x 1) / 6.
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3, 4}, {1, 3, 2, 4}), 4.0 / 6);
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // Ties (tau-b): x ties pair (1,2), y ties pair (2,3); the other 4 pairs concordant:
  // 4 / sqrt(5 x 5).
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 2, 3}, {1, 2, 3, 3}), 0.8);
  EXPECT_DOUBLE_EQ(kendall_tau({1, 1, 1}, {1, 2, 3}), 0.0);
}

TEST(PredictMetrics, SpearmanUsesAverageRanksForTies) {
  EXPECT_EQ(average_ranks({10, 20, 20, 5}), (std::vector<double>{2, 3.5, 3.5, 1}));
  // Ranks [1, 2.5, 2.5, 4] and [1, 2, 3.5, 3.5]: covariance 3.75, variances 4.5 and 4.5.
  EXPECT_DOUBLE_EQ(spearman_rho({1, 2, 2, 3}, {1, 2, 3, 3}), 3.75 / 4.5);
  EXPECT_DOUBLE_EQ(spearman_rho({1, 2, 3}, {30, 20, 10}), -1.0);
  // Monotone but not linear: still 1.
  EXPECT_DOUBLE_EQ(spearman_rho({1, 2, 3, 4}, {1, 8, 27, 64}), 1.0);
}

TEST(PredictMetrics, AllAtOnceAndErrors) {
  const PredictionMetrics m = compute_metrics({109, 92, 100}, {100, 100, 100});
  EXPECT_EQ(m.count, 3);
  EXPECT_DOUBLE_EQ(m.mape, (0.09 + 0.08) / 3);
  EXPECT_DOUBLE_EQ(m.within10, 1.0);
  test::expect_error([] { compute_metrics({1, 2}, {1}); }, {"2 predictions", "1 measurements"});
  test::expect_error([] { compute_metrics({}, {}); }, {"no rows"});
  test::expect_error([] { mape({1}, {0}); }, {"zero"});
}

TEST(PredictMetrics, ComparisonKnowsEachMetricsDirection) {
  PredictionMetrics a, b;
  a.rmse_ms = 10, b.rmse_ms = 12;            // lower: a better
  a.mape = 0.05, b.mape = 0.04;              // higher: a worse
  a.within5 = 0.5, b.within5 = 0.5;          // tied
  a.within10 = 0.9, b.within10 = 0.8;        // higher: a better
  a.kendall_tau = 0.7, b.kendall_tau = 0.8;  // lower: a worse
  a.spearman_rho = 0.95, b.spearman_rho = 0.9;
  EXPECT_EQ(compare_metrics(a, b), (std::array<int, kComparedMetrics>{1, -1, 0, 1, -1, 1}));
  EXPECT_EQ(compare_metrics(b, a), (std::array<int, kComparedMetrics>{-1, 1, 0, -1, 1, -1}));
  EXPECT_STREQ(kComparedMetricNames[3], "<=10%");
}

TEST(PredictMetrics, MeanOfEvaluations) {
  const PredictionMetrics x = compute_metrics({109, 92, 100}, {100, 100, 100});
  const PredictionMetrics y = compute_metrics({100, 100, 100, 130}, {100, 100, 100, 100});
  const PredictionMetrics m = mean_metrics({x, y});
  EXPECT_EQ(m.count, 3);  // (3 + 4) / 2, rounded down
  EXPECT_DOUBLE_EQ(m.rmse_ms, (x.rmse_ms + 15.0) / 2);  // y: sqrt(900 / 4)
  EXPECT_DOUBLE_EQ(m.mape, ((0.09 + 0.08) / 3 + 0.3 / 4) / 2);
  EXPECT_DOUBLE_EQ(m.within10, (1.0 + 0.75) / 2);
  EXPECT_DOUBLE_EQ(m.kendall_tau, (x.kendall_tau + y.kendall_tau) / 2);
  test::expect_error([] { mean_metrics({}); }, {"no evaluations"});
}

}  // namespace
}  // namespace hat::latency
