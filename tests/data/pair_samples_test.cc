// hatdata info --samples: distinct pairs, the same for the same seed, printed with their line.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "supernet/data/pair_samples.h"

namespace hat::data {
namespace {

TEST(PairSamples, DistinctIndicesInRangeFixedBySeed) {
  const std::vector<uint32_t> a = sample_pair_indices(100, 10, 5);
  ASSERT_EQ(a.size(), 10u);
  EXPECT_EQ(std::set<uint32_t>(a.begin(), a.end()).size(), 10u);
  EXPECT_TRUE(std::all_of(a.begin(), a.end(), [](uint32_t i) { return i < 100; }));
  EXPECT_EQ(sample_pair_indices(100, 10, 5), a);
  EXPECT_NE(sample_pair_indices(100, 10, 6), a);
  // The first k of a larger sample: asking for more shows the same pairs first.
  const std::vector<uint32_t> more = sample_pair_indices(100, 20, 5);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), more.begin()));
}

TEST(PairSamples, NeverMoreThanTheSplitHolds) {
  std::vector<uint32_t> all = sample_pair_indices(3, 10, 1);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_TRUE(sample_pair_indices(0, 5, 1).empty());
}

TEST(PairSamples, PrintsEachPairWithItsOneBasedLine) {
  ParallelText text;
  text.add("eins", "one");
  text.add("zwei", "two");
  const std::vector<uint32_t> order = sample_pair_indices(2, 2, 9);
  std::string expected;
  for (uint32_t i : order)
    expected += "test #" + std::to_string(i + 1) + "\n  de: " + text.source[i] + "\n  en: " + text.target[i] + "\n";
  EXPECT_EQ(format_pair_samples(text, "test", "de", "en", 2, 9), expected);
  EXPECT_EQ(format_pair_samples(text, "test", "de", "en", 1, 9).find("#" + std::to_string(order[0] + 1)), 5u);
  EXPECT_EQ(format_pair_samples(text, "test", "de", "en", 0, 9), "");
}

}  // namespace
}  // namespace hat::data
