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

}  // namespace
}  // namespace hat::latency
