#include "latency/report/metrics_table.h"

#include <array>

#include "latency/report/format.h"

namespace hat::latency {

void print_metrics_header(std::ostream& out) {
  out << format("  %-8s %10s %7s %7s %7s %7s %7s\n", "kind", "RMSE ms", "MAPE", "<=5%", "<=10%",
                "tau", "rho");
}

void print_metrics_row(std::ostream& out, const std::string& kind, const PredictionMetrics& m) {
  out << format("  %-8s %10.2f %6.2f%% %6.1f%% %6.1f%% %7.4f %7.4f\n", kind.c_str(), m.rmse_ms,
                100 * m.mape, 100 * m.within5, 100 * m.within10, m.kendall_tau, m.spearman_rho);
}

std::string describe_comparison(const PredictionMetrics& a, const PredictionMetrics& b) {
  const std::array<int, kComparedMetrics> c = compare_metrics(a, b);
  std::string tied, worse;
  for (int m = 0; m < kComparedMetrics; ++m) {
    std::string& list = c[m] == 0 ? tied : worse;
    if (c[m] <= 0) list += std::string(list.empty() ? "" : ", ") + kComparedMetricNames[m];
  }
  if (tied.empty() && worse.empty()) return "better on every metric";
  std::string out = "NOT better on every metric:";
  if (!worse.empty()) out += " worse on " + worse + (tied.empty() ? "" : ";");
  if (!tied.empty()) out += " tied on " + tied;
  return out;
}

}  // namespace hat::latency
