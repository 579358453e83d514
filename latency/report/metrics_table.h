// The metrics table every hatpredict command prints: one row per predictor kind (RMSE, MAPE,
// within 5% and 10%, Kendall's tau, Spearman's rho), and how one kind compares with another.
#pragma once

#include <ostream>
#include <string>

#include "latency/predict/metrics.h"

namespace hat::latency {

void print_metrics_header(std::ostream& out);
void print_metrics_row(std::ostream& out, const std::string& kind, const PredictionMetrics& m);

// "better on every metric", or "NOT better on every metric: worse on ...; tied on ...".
std::string describe_comparison(const PredictionMetrics& a, const PredictionMetrics& b);

}  // namespace hat::latency
