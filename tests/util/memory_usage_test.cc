// The process memory figures the tools print: the peak grows when memory is touched and never
// falls; the current figure is readable on Linux.
#include "util/memory_usage.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace hat {
namespace {

TEST(MemoryUsage, PeakFollowsTouchedMemoryAndNeverFalls) {
  const int64_t before = util::peak_rss_bytes();
  ASSERT_GT(before, 0);
  {
    std::vector<char> block(static_cast<size_t>(256) << 20);
    std::memset(block.data(), 1, block.size());  // touch every page
    const int64_t now = util::current_rss_bytes();
    EXPECT_GT(now, int64_t{256} << 20);
    EXPECT_GE(util::peak_rss_bytes(), now - (int64_t{1} << 20));  // the kernel counts it lazily
  }
  EXPECT_GE(util::peak_rss_bytes(), int64_t{256} << 20);  // freed, still the peak
  EXPECT_GE(util::peak_rss_bytes(), before);
  EXPECT_NE(util::peak_rss_summary().find("peak RSS "), std::string::npos);
  EXPECT_NE(util::peak_rss_summary().find(" MB"), std::string::npos);
}

}  // namespace
}  // namespace hat
