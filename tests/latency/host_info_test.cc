// The host's CPU description and the model it names whatever cores the process may use (the
// host profile's kernel benchmarks are matched by model).
#include "latency/host_info.h"

#include <sched.h>

#include <gtest/gtest.h>

namespace hat::latency {
namespace {

TEST(HostInfo, CpuModelDropsTheCoresTheAffinityMaskAllows) {
  EXPECT_EQ(cpu_model("AMD EPYC (2 cores available)"), "AMD EPYC");
  EXPECT_EQ(cpu_model("AMD EPYC (1 cores available)"), "AMD EPYC");
  EXPECT_EQ(cpu_model("Intel(R) Xeon(R) CPU E5-2640 v4 @ 2.40GHz (16 cores available)"),
            "Intel(R) Xeon(R) CPU E5-2640 v4 @ 2.40GHz");
  // Anything else is a model already.
  EXPECT_EQ(cpu_model("Cortex-A72 (rev 3)"), "Cortex-A72 (rev 3)");
  EXPECT_EQ(cpu_model(")"), ")");
  EXPECT_EQ(cpu_model(""), "");
}

TEST(HostInfo, OneModelUnderAnyAffinityMask) {
  const std::string all = cpu_description();
  cpu_set_t before, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
  int first = 0;
  while (first < CPU_SETSIZE && !CPU_ISSET(first, &before)) ++first;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  const std::string pinned = cpu_description();
  ASSERT_EQ(sched_setaffinity(0, sizeof before, &before), 0);
  EXPECT_NE(pinned.find("(1 cores available)"), std::string::npos) << pinned;
  EXPECT_EQ(cpu_model(pinned), cpu_model(all));
}

}  // namespace
}  // namespace hat::latency
