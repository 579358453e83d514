#include "latency/predict/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "devices/error.h"

namespace hat::latency {

namespace {

void check_pair(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  HAT_CHECK(a.size() == b.size(), what, ": ", a.size(), " predictions for ", b.size(), " measurements");
  HAT_CHECK(!a.empty(), what, ": no rows");
}

int sign(double v) { return (v > 0) - (v < 0); }

}  // namespace

double rmse(const std::vector<double>& p, const std::vector<double>& y) {
  check_pair(p, y, "rmse");
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return std::sqrt(s / static_cast<double>(p.size()));
}

double mape(const std::vector<double>& p, const std::vector<double>& y) {
  check_pair(p, y, "mape");
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    HAT_CHECK(y[i] != 0, "mape: measured value ", i, " is zero");
    s += std::abs(p[i] - y[i]) / std::abs(y[i]);
  }
  return s / static_cast<double>(p.size());
}

double share_within(const std::vector<double>& p, const std::vector<double>& y, double tolerance) {
  check_pair(p, y, "share_within");
  size_t hits = 0;
  for (size_t i = 0; i < p.size(); ++i) hits += std::abs(p[i] - y[i]) <= tolerance * std::abs(y[i]);
  return static_cast<double>(hits) / static_cast<double>(p.size());
}

double kendall_tau(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "kendall_tau");
  // O(n^2) over pairs: test splits are a few hundred rows.
  double concordant_minus_discordant = 0, pairs_untied_x = 0, pairs_untied_y = 0;
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t j = i + 1; j < x.size(); ++j) {
      const int sx = sign(x[i] - x[j]), sy = sign(y[i] - y[j]);
      concordant_minus_discordant += sx * sy;
      pairs_untied_x += sx != 0;
      pairs_untied_y += sy != 0;
    }
  if (pairs_untied_x == 0 || pairs_untied_y == 0) return 0;
  return concordant_minus_discordant / std::sqrt(pairs_untied_x * pairs_untied_y);
}

std::vector<double> average_ranks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1;  // mean of ranks i+1 .. j+1
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair(x, y, "spearman_rho");
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n;
  const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx == 0 || syy == 0) return 0;
  return sxy / std::sqrt(sxx * syy);
}

PredictionMetrics compute_metrics(const std::vector<double>& p, const std::vector<double>& y) {
  check_pair(p, y, "compute_metrics");
  PredictionMetrics m;
  m.count = static_cast<int>(p.size());
  m.rmse_ms = rmse(p, y);
  m.mape = mape(p, y);
  m.within5 = share_within(p, y, 0.05);
  m.within10 = share_within(p, y, 0.10);
  m.kendall_tau = kendall_tau(p, y);
  m.spearman_rho = spearman_rho(p, y);
  return m;
}

const std::array<const char*, kComparedMetrics> kComparedMetricNames = {"RMSE", "MAPE", "<=5%",
                                                                        "<=10%", "tau", "rho"};

namespace {

// The compared metrics of `m`, each oriented so that larger is better.
std::array<double, kComparedMetrics> oriented(const PredictionMetrics& m) {
  return {-m.rmse_ms, -m.mape, m.within5, m.within10, m.kendall_tau, m.spearman_rho};
}

}  // namespace

std::array<int, kComparedMetrics> compare_metrics(const PredictionMetrics& a, const PredictionMetrics& b) {
  const std::array<double, kComparedMetrics> x = oriented(a), y = oriented(b);
  std::array<int, kComparedMetrics> out{};
  for (int k = 0; k < kComparedMetrics; ++k) out[k] = sign(x[k] - y[k]);
  return out;
}

PredictionMetrics mean_metrics(const std::vector<PredictionMetrics>& metrics) {
  HAT_CHECK(!metrics.empty(), "mean_metrics: no evaluations");
  PredictionMetrics mean;
  double count = 0;
  for (const PredictionMetrics& m : metrics) {
    count += m.count;
    mean.rmse_ms += m.rmse_ms;
    mean.mape += m.mape;
    mean.within5 += m.within5;
    mean.within10 += m.within10;
    mean.kendall_tau += m.kendall_tau;
    mean.spearman_rho += m.spearman_rho;
  }
  const double n = static_cast<double>(metrics.size());
  mean.count = static_cast<int>(count / n);
  mean.rmse_ms /= n;
  mean.mape /= n;
  mean.within5 /= n;
  mean.within10 /= n;
  mean.kendall_tau /= n;
  mean.spearman_rho /= n;
  return mean;
}

}  // namespace hat::latency
