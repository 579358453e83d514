// --device/--latency pairs into runs: a sweep, joint budgets, none; mismatches refused.
#include "search/budgets.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace hat::search {
namespace {

double ms(const std::string& text) { return std::stod(text); }

TEST(Budgets, OneDeviceWithSeveralLatenciesIsASweep) {
  const auto runs = budget_runs({"rpi4"}, {"100", "200", "300"}, ms);
  ASSERT_EQ(runs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(runs[i].size(), 1u);
    EXPECT_EQ(runs[i][0].device, "rpi4");
    EXPECT_EQ(runs[i][0].ms, 100.0 * (i + 1));
  }
  EXPECT_EQ(budget_label(runs[1]), "rpi4@200ms");
}

TEST(Budgets, PairedDevicesAndLatenciesBoundOneRunTogether) {
  const auto runs = budget_runs({"rpi4", "xeon"}, {"150", "12.5"}, ms);
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].size(), 2u);
  EXPECT_EQ(runs[0][1].device, "xeon");
  EXPECT_EQ(runs[0][1].ms, 12.5);
  EXPECT_EQ(budget_label(runs[0]), "rpi4@150ms+xeon@12.5ms");
  const auto one = budget_runs({"rpi4"}, {"150"}, ms);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(budget_label(one[0]), "rpi4@150ms");
}

TEST(Budgets, NoDeviceIsOneRunWithoutALatencyBound) {
  const auto runs = budget_runs({}, {}, ms);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].empty());
  EXPECT_EQ(budget_label(runs[0]), "");
}

TEST(Budgets, UnpairedDevicesAndLatenciesAreRefused) {
  for (const auto& [devices, latencies] :
       std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>{
           {{"rpi4", "xeon"}, {"1", "2", "3"}}, {{"rpi4", "xeon"}, {"1"}}, {{}, {"1"}}, {{"rpi4"}, {}}})
    test::expect_error([&] { budget_runs(devices, latencies, ms); }, {"one --latency per --device"});
}

TEST(Budgets, TheLatencyParsersErrorsPassThrough) {
  const auto refuse = [](const std::string& text) -> double {
    throw std::invalid_argument("bad latency " + text);
  };
  EXPECT_THROW(budget_runs({"rpi4"}, {"5"}, refuse), std::invalid_argument);
}

}  // namespace
}  // namespace hat::search
