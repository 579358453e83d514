// A loss-against-latency scatter plot as a standalone SVG file (no plotting library in
// Debian's C++ set fits; SVG is text): every scored candidate, the Pareto front (the lowest
// loss at or below each latency), and the latency budgets as vertical lines.
#pragma once

#include <string>
#include <vector>

namespace hat::search {

struct PlotPoint {
  double latency_ms = 0;
  double loss = 0;
};

// The candidates that no other beats on both latency and loss, sorted by latency.
std::vector<PlotPoint> pareto_front(std::vector<PlotPoint> points);

std::string loss_latency_svg(const std::vector<PlotPoint>& candidates,
                             const std::vector<PlotPoint>& winners,
                             const std::vector<double>& budgets_ms, const std::string& title);

}  // namespace hat::search
