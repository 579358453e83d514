#include "search/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hat::search {
namespace {

constexpr double kWidth = 720, kHeight = 480, kLeft = 70, kRight = 20, kTop = 40, kBottom = 50;

std::string fmt(const char* format, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

// The title as XML text: a device name may hold '&' or '<'.
std::string xml_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// Round tick spacing (1, 2 or 5 x 10^k) giving about `count` ticks over [lo, hi].
double tick_step(double lo, double hi, int count) {
  const double raw = (hi - lo) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

}  // namespace

std::vector<PlotPoint> pareto_front(std::vector<PlotPoint> points) {
  std::sort(points.begin(), points.end(), [](const PlotPoint& a, const PlotPoint& b) {
    return a.latency_ms != b.latency_ms ? a.latency_ms < b.latency_ms : a.loss < b.loss;
  });
  std::vector<PlotPoint> front;
  for (const PlotPoint& p : points)
    if (front.empty() || p.loss < front.back().loss) front.push_back(p);
  return front;
}

std::string loss_latency_svg(const std::vector<PlotPoint>& candidates,
                             const std::vector<PlotPoint>& winners,
                             const std::vector<double>& budgets_ms, const std::string& title) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto* list : {&candidates, &winners})
    for (const PlotPoint& p : *list) {
      x0 = std::min(x0, p.latency_ms), x1 = std::max(x1, p.latency_ms);
      y0 = std::min(y0, p.loss), y1 = std::max(y1, p.loss);
    }
  for (double b : budgets_ms) x0 = std::min(x0, b), x1 = std::max(x1, b);
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (x1 - x0 < 1e-9) x0 -= 1, x1 += 1;
  if (y1 - y0 < 1e-9) y0 -= 0.1, y1 += 0.1;
  const double px = (x1 - x0) * 0.05, py = (y1 - y0) * 0.05;
  x0 -= px, x1 += px, y0 -= py, y1 += py;
  const double w = kWidth - kLeft - kRight, h = kHeight - kTop - kBottom;
  const auto X = [&](double v) { return kLeft + (v - x0) / (x1 - x0) * w; };
  const auto Y = [&](double v) { return kTop + (1 - (v - y0) / (y1 - y0)) * h; };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", kWidth) +
                    "\" height=\"" + fmt("%.0f", kHeight) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + fmt("%.0f", kWidth / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" +
         xml_text(title) + "</text>\n";
  // Axes with ticks.
  svg += "<rect x=\"" + fmt("%.1f", kLeft) + "\" y=\"" + fmt("%.1f", kTop) + "\" width=\"" +
         fmt("%.1f", w) + "\" height=\"" + fmt("%.1f", h) + "\" fill=\"none\" stroke=\"black\"/>\n";
  const double sx = tick_step(x0, x1, 6), sy = tick_step(y0, y1, 6);
  for (double v = std::ceil(x0 / sx) * sx; v <= x1; v += sx)
    svg += "<line x1=\"" + fmt("%.1f", X(v)) + "\" y1=\"" + fmt("%.1f", kTop + h) + "\" x2=\"" +
           fmt("%.1f", X(v)) + "\" y2=\"" + fmt("%.1f", kTop + h + 5) + "\" stroke=\"black\"/>" +
           "<text x=\"" + fmt("%.1f", X(v)) + "\" y=\"" + fmt("%.1f", kTop + h + 18) +
           "\" text-anchor=\"middle\">" + fmt("%g", v) + "</text>\n";
  for (double v = std::ceil(y0 / sy) * sy; v <= y1; v += sy)
    svg += "<line x1=\"" + fmt("%.1f", kLeft - 5) + "\" y1=\"" + fmt("%.1f", Y(v)) + "\" x2=\"" +
           fmt("%.1f", kLeft) + "\" y2=\"" + fmt("%.1f", Y(v)) + "\" stroke=\"black\"/>" +
           "<text x=\"" + fmt("%.1f", kLeft - 8) + "\" y=\"" + fmt("%.1f", Y(v) + 4) +
           "\" text-anchor=\"end\">" + fmt("%g", v) + "</text>\n";
  svg += "<text x=\"" + fmt("%.1f", kLeft + w / 2) + "\" y=\"" + fmt("%.1f", kHeight - 10) +
         "\" text-anchor=\"middle\">predicted latency (ms)</text>\n";
  svg += "<text transform=\"translate(16," + fmt("%.1f", kTop + h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">validation loss (bits per token)</text>\n";
  for (double b : budgets_ms)
    svg += "<line x1=\"" + fmt("%.1f", X(b)) + "\" y1=\"" + fmt("%.1f", kTop) + "\" x2=\"" +
           fmt("%.1f", X(b)) + "\" y2=\"" + fmt("%.1f", kTop + h) +
           "\" stroke=\"crimson\" stroke-dasharray=\"6 4\"/>\n";
  for (const PlotPoint& p : candidates)
    svg += "<circle cx=\"" + fmt("%.1f", X(p.latency_ms)) + "\" cy=\"" + fmt("%.1f", Y(p.loss)) +
           "\" r=\"2.5\" fill=\"steelblue\" fill-opacity=\"0.45\"/>\n";
  const std::vector<PlotPoint> front = pareto_front(candidates);
  std::string path;
  for (const PlotPoint& p : front)
    path += (path.empty() ? "M" : " L") + fmt("%.1f", X(p.latency_ms)) + "," + fmt("%.1f", Y(p.loss));
  if (!path.empty())
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"darkorange\" stroke-width=\"2\"/>\n";
  for (const PlotPoint& p : winners)
    svg += "<circle cx=\"" + fmt("%.1f", X(p.latency_ms)) + "\" cy=\"" + fmt("%.1f", Y(p.loss)) +
           "\" r=\"6\" fill=\"none\" stroke=\"crimson\" stroke-width=\"2\"/>\n";
  svg += "<text x=\"" + fmt("%.1f", kLeft + 8) + "\" y=\"" + fmt("%.1f", kTop + 16) +
         "\">blue: scored candidates; orange: Pareto front; red: budgets and winners</text>\n";
  return svg + "</svg>\n";
}

}  // namespace hat::search
