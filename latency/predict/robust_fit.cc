#include "latency/predict/robust_fit.h"

#include <algorithm>
#include <cmath>

#include "devices/error.h"

namespace hat::latency {

namespace {

// Solves A z = r for the rows/columns in `set` (Gaussian elimination, partial pivoting).
std::vector<double> solve_subset(const std::vector<double>& G, const std::vector<double>& b, int p,
                                 const std::vector<int>& set) {
  const size_t n = set.size();
  std::vector<double> a(n * (n + 1));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) a[i * (n + 1) + j] = G[set[i] * p + set[j]];
    a[i * (n + 1) + n] = b[set[i]];
  }
  for (size_t c = 0; c < n; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r * (n + 1) + c]) > std::abs(a[pivot * (n + 1) + c])) pivot = r;
    for (size_t k = 0; k <= n; ++k) std::swap(a[c * (n + 1) + k], a[pivot * (n + 1) + k]);
    const double d = a[c * (n + 1) + c];
    if (std::abs(d) < 1e-300) continue;  // singular direction: leave its solution at 0
    for (size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[r * (n + 1) + c] / d;
      if (f == 0) continue;
      for (size_t k = c; k <= n; ++k) a[r * (n + 1) + k] -= f * a[c * (n + 1) + k];
    }
  }
  std::vector<double> z(n);
  for (size_t i = 0; i < n; ++i) {
    const double d = a[i * (n + 1) + i];
    z[i] = std::abs(d) < 1e-300 ? 0 : a[i * (n + 1) + n] / d;
  }
  return z;
}

double median_abs(std::vector<double> v) {
  for (double& x : v) x = std::abs(x);
  const size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
  return v[m];
}

}  // namespace

std::vector<double> nnls_normal_equations(const std::vector<double>& G, const std::vector<double>& b,
                                          int p) {
  std::vector<double> c(p, 0.0);
  std::vector<bool> passive(p, false);
  double scale = 0;
  for (int i = 0; i < p; ++i) scale = std::max(scale, std::abs(b[i]));
  const double tol = 1e-12 * std::max(scale, 1e-300);
  for (int outer = 0; outer < 10 * p; ++outer) {
    // Gradient of the objective's negative: w = b - G c.
    int best = -1;
    double best_w = tol;
    for (int j = 0; j < p; ++j) {
      if (passive[j]) continue;
      double w = b[j];
      for (int k = 0; k < p; ++k) w -= G[j * p + k] * c[k];
      if (w > best_w) best_w = w, best = j;
    }
    if (best < 0) break;
    passive[best] = true;
    for (int inner = 0; inner < 10 * p; ++inner) {
      std::vector<int> set;
      for (int j = 0; j < p; ++j)
        if (passive[j]) set.push_back(j);
      const std::vector<double> z = solve_subset(G, b, p, set);
      bool feasible = true;
      for (double v : z) feasible = feasible && v > 0;
      if (feasible) {
        std::fill(c.begin(), c.end(), 0.0);
        for (size_t i = 0; i < set.size(); ++i) c[set[i]] = z[i];
        break;
      }
      // Step from c toward z as far as feasibility allows, then drop the variables that hit 0.
      double alpha = 1;
      for (size_t i = 0; i < set.size(); ++i)
        if (z[i] <= 0) alpha = std::min(alpha, c[set[i]] / (c[set[i]] - z[i]));
      for (size_t i = 0; i < set.size(); ++i) {
        c[set[i]] += alpha * (z[i] - c[set[i]]);
        if (c[set[i]] <= 1e-15 * std::abs(z[i]) + 1e-300) c[set[i]] = 0, passive[set[i]] = false;
      }
    }
  }
  return c;
}

std::vector<double> fit_relative_nnls(const std::vector<std::vector<double>>& x,
                                      const std::vector<double>& y, const RobustFitOptions& o) {
  HAT_CHECK(x.size() == y.size() && !y.empty(), "robust fit: ", x.size(), " rows of terms for ",
            y.size(), " measurements");
  const int p = static_cast<int>(x[0].size());
  const size_t n = y.size();
  for (size_t i = 0; i < n; ++i) {
    HAT_CHECK(static_cast<int>(x[i].size()) == p, "robust fit: row ", i, " has ", x[i].size(),
              " terms, expected ", p);
    HAT_CHECK(y[i] > 0 && std::isfinite(y[i]), "robust fit: measurement ", i, " is ", y[i],
              " (must be a positive latency)");
  }
  // Relative rows a_i = x_i / y_i, columns scaled to unit RMS so the ridge and tolerances are
  // scale-free; the target of every scaled row is 1.
  std::vector<double> col(p, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (int j = 0; j < p; ++j) col[j] += (x[i][j] / y[i]) * (x[i][j] / y[i]);
  for (int j = 0; j < p; ++j) col[j] = col[j] > 0 ? std::sqrt(col[j] / static_cast<double>(n)) : 0;
  std::vector<std::vector<double>> a(n, std::vector<double>(p, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (int j = 0; j < p; ++j) a[i][j] = col[j] > 0 ? x[i][j] / y[i] / col[j] : 0;

  std::vector<double> weight(n, 1.0), c(p, 0.0), residual(n);
  for (int it = 0; it < std::max(1, o.iterations); ++it) {
    std::vector<double> G(p * p, 0.0), b(p, 0.0);
    for (size_t i = 0; i < n; ++i)
      for (int j = 0; j < p; ++j) {
        b[j] += weight[i] * a[i][j];
        for (int k = 0; k < p; ++k) G[j * p + k] += weight[i] * a[i][j] * a[i][k];
      }
    double trace = 0;
    for (int j = 0; j < p; ++j) trace += G[j * p + j];
    for (int j = 0; j < p; ++j) G[j * p + j] += o.ridge * trace / p;
    c = nnls_normal_equations(G, b, p);
    for (size_t i = 0; i < n; ++i) {
      double fit = 0;
      for (int j = 0; j < p; ++j) fit += a[i][j] * c[j];
      residual[i] = fit - 1;
    }
    const double scale = std::max(o.min_scale, 1.4826 * median_abs(residual));
    const double threshold = o.huber_k * scale;
    for (size_t i = 0; i < n; ++i)
      weight[i] = std::abs(residual[i]) <= threshold ? 1.0 : threshold / std::abs(residual[i]);
  }
  for (int j = 0; j < p; ++j) c[j] = col[j] > 0 ? c[j] / col[j] : 0;
  return c;
}

}  // namespace hat::latency
