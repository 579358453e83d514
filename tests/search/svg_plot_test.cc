// The loss-against-latency plot: the Pareto front, and an SVG that is well-formed XML holding
// one marker per candidate and per winner, one dashed line per budget and the front's path.
#include "search/svg_plot.h"

#include <regex>
#include <vector>

#include <gtest/gtest.h>

namespace hat::search {
namespace {

int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re),
                                        std::sregex_iterator()));
}

// Tags nest and close in order, attribute values are quoted, and text holds no bare '&' or
// '<': enough XML for a browser to draw it.
void expect_well_formed(const std::string& svg) {
  std::vector<std::string> open;
  size_t i = 0;
  while ((i = svg.find('<', i)) != std::string::npos) {
    const size_t end = svg.find('>', i);
    ASSERT_NE(end, std::string::npos) << "unclosed tag at " << i;
    const std::string tag = svg.substr(i + 1, end - i - 1);
    ASSERT_FALSE(tag.empty());
    ASSERT_EQ(tag.find('<'), std::string::npos) << tag;
    ASSERT_EQ(count(tag, "\"") % 2, 0) << "unbalanced quotes in <" << tag << ">";
    const std::string name = tag.substr(tag[0] == '/', tag.find_first_of(" />", 1) - (tag[0] == '/'));
    if (tag[0] == '/') {
      ASSERT_FALSE(open.empty()) << "</" << name << "> closes nothing";
      EXPECT_EQ(open.back(), name);
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    // The text up to the next tag has no bare '&'.
    const size_t next = svg.find('<', end);
    const std::string text = svg.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1);
    EXPECT_EQ(count(text, "&(?!amp;|lt;|gt;)"), 0) << text;
    i = end + 1;
  }
  EXPECT_TRUE(open.empty()) << open.size() << " unclosed, the last <" << open.back() << ">";
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
}

TEST(SvgPlot, TheParetoFrontKeepsThePointsNoOtherBeatsOnBoth) {
  const std::vector<PlotPoint> points = {{30, 5}, {10, 8}, {20, 6}, {25, 7}, {10, 9}, {40, 5}, {5, 10}};
  const std::vector<PlotPoint> front = pareto_front(points);
  ASSERT_EQ(front.size(), 4u);
  const std::vector<std::pair<double, double>> want = {{5, 10}, {10, 8}, {20, 6}, {30, 5}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(front[i].latency_ms, want[i].first) << i;
    EXPECT_EQ(front[i].loss, want[i].second) << i;
  }
  EXPECT_TRUE(pareto_front({}).empty());
}

TEST(SvgPlot, HoldsEveryCandidateWinnerBudgetAndTheFront) {
  const std::vector<PlotPoint> candidates = {{30, 5}, {10, 8}, {20, 6}, {25, 7}, {40, 5.5}};
  const std::vector<PlotPoint> winners = {{20, 6}, {30, 5}};
  const std::string svg = loss_latency_svg(candidates, winners, {22, 35}, "loss & latency <rpi4>");
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "<circle [^>]*r=\"2.5\""), 5);  // candidates
  EXPECT_EQ(count(svg, "<circle [^>]*r=\"6\""), 2);    // winners
  EXPECT_EQ(count(svg, "<line [^>]*stroke=\"crimson\" stroke-dasharray"), 2);  // budgets
  // The front (10, 8), (20, 6), (30, 5): one move and two segments.
  EXPECT_EQ(count(svg, "<path d=\"M[0-9.]+,[0-9.]+ L[0-9.]+,[0-9.]+ L[0-9.]+,[0-9.]+\""), 1);
  EXPECT_NE(svg.find("loss &amp; latency &lt;rpi4&gt;"), std::string::npos);
  EXPECT_NE(svg.find("predicted latency (ms)"), std::string::npos);
}

TEST(SvgPlot, PointsLandInsideThePlotAreaInTheirOrder) {
  const std::string svg = loss_latency_svg({{10, 8}, {20, 6}}, {}, {15}, "t");
  const std::regex circle("<circle cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"");
  std::vector<std::pair<double, double>> xy;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), circle); it != std::sregex_iterator(); ++it)
    xy.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  ASSERT_EQ(xy.size(), 2u);
  for (const auto& [x, y] : xy) {
    EXPECT_GT(x, 70);   // the left margin
    EXPECT_LT(x, 700);  // width less the right margin
    EXPECT_GT(y, 40);
    EXPECT_LT(y, 430);
  }
  EXPECT_LT(xy[0].first, xy[1].first);   // lower latency further left
  EXPECT_LT(xy[0].second, xy[1].second); // higher loss further up (SVG's y grows downwards)
}

TEST(SvgPlot, AnEmptyOrDegeneratePlotIsStillDrawable) {
  expect_well_formed(loss_latency_svg({}, {}, {}, "empty"));
  const std::string one = loss_latency_svg({{10, 5}}, {{10, 5}}, {}, "one");
  expect_well_formed(one);
  EXPECT_EQ(one.find("nan"), std::string::npos);
  EXPECT_EQ(one.find("inf"), std::string::npos);
}

}  // namespace
}  // namespace hat::search
