// Non-negative least squares on relative errors, made robust to outliers by iteratively
// reweighting with Huber's weights: the coefficients of the operator model (ops_model.h).
#pragma once

#include <vector>

namespace hat::latency {

struct RobustFitOptions {
  int iterations = 30;      // IRLS rounds (the first is plain least squares)
  double huber_k = 1.345;   // Huber's threshold in robust standard deviations (95% efficiency)
  double min_scale = 0.002; // floor on the robust scale of relative residuals
  double ridge = 1e-9;      // added to the diagonal of the scaled normal equations, x trace / p
};

// Minimises sum_i rho((x_i . c - y_i) / y_i) over c >= 0, with rho Huber's loss at threshold
// huber_k x (1.4826 x median |relative residual|). Rows are `x` (all the same width), y > 0.
// Throws hat::Error when y is not positive or sizes disagree.
std::vector<double> fit_relative_nnls(const std::vector<std::vector<double>>& x,
                                      const std::vector<double>& y,
                                      const RobustFitOptions& options = {});

// Lawson-Hanson active-set solve of min 1/2 c'Gc - b'c over c >= 0 (G symmetric positive
// semi-definite, p x p row-major).
std::vector<double> nnls_normal_equations(const std::vector<double>& G, const std::vector<double>& b,
                                          int p);

}  // namespace hat::latency
