// Accuracy of a latency predictor on held-out rows: RMSE, MAPE, share within +-5% / +-10%,
// Kendall's tau and Spearman's rho (both with ties handled).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace hat::latency {

struct PredictionMetrics {
  int count = 0;
  double rmse_ms = 0;
  double mape = 0;       // mean |p - y| / y, as a fraction (0.036 = 3.6%)
  double within5 = 0;    // share of rows with |p - y| <= 0.05 y
  double within10 = 0;
  double kendall_tau = 0;
  double spearman_rho = 0;
};

// sqrt(mean (p - y)^2).
double rmse(const std::vector<double>& predicted, const std::vector<double>& measured);
// mean |p - y| / |y|; every measured value must be non-zero.
double mape(const std::vector<double>& predicted, const std::vector<double>& measured);
// Share of rows with |p - y| <= tolerance |y|.
double share_within(const std::vector<double>& predicted, const std::vector<double>& measured,
                    double tolerance);
// Kendall's tau-b: (concordant - discordant) / sqrt((n0 - ties_x)(n0 - ties_y)), n0 = n(n-1)/2,
// ties counted per pair. 0 when either side is constant.
double kendall_tau(const std::vector<double>& x, const std::vector<double>& y);
// Ranks 1..n, tied values sharing their average rank.
std::vector<double> average_ranks(const std::vector<double>& x);
// Spearman's rho: Pearson's correlation of the average ranks. 0 when either side is constant.
double spearman_rho(const std::vector<double>& x, const std::vector<double>& y);

// All of the above. Throws hat::Error on different sizes or no rows.
PredictionMetrics compute_metrics(const std::vector<double>& predicted,
                                  const std::vector<double>& measured);

// The six compared metrics, in the order of the tables: RMSE, MAPE, <=5%, <=10%, tau, rho.
constexpr int kComparedMetrics = 6;
extern const std::array<const char*, kComparedMetrics> kComparedMetricNames;
// Per metric: +1 where `a` is better than `b` (RMSE and MAPE lower, the shares and the rank
// correlations higher), 0 where they are equal, -1 where `a` is worse.
std::array<int, kComparedMetrics> compare_metrics(const PredictionMetrics& a, const PredictionMetrics& b);

// Each metric's mean over several evaluations (count: their mean row count, rounded down).
// Throws hat::Error when given none.
PredictionMetrics mean_metrics(const std::vector<PredictionMetrics>& metrics);

}  // namespace hat::latency
