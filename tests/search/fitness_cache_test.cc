// The fitness cache shared by the runs of a sweep: every architecture is scored once, in one
// call per batch; values recorded from a resumed search are reused but not counted.
#include "search/fitness_cache.h"

#include <gtest/gtest.h>

#include "supernet/arch/arch_yaml.h"
#include "tests/search/search_test_space.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

struct CountingFitness {
  std::vector<size_t> batches;  // the size of each call
  std::vector<std::string> scored;
  FitnessFn fn() {
    return [this](const std::vector<arch::ArchConfig>& archs) {
      batches.push_back(archs.size());
      std::vector<double> out;
      for (const arch::ArchConfig& a : archs) {
        scored.push_back(arch::arch_hash(a));
        out.push_back(static_cast<double>(test::synthetic_cost(a)));
      }
      return out;
    };
  }
};

TEST(FitnessCache, ScoresEachArchitectureOnceAcrossAndWithinBatches) {
  const arch::SearchSpace space = test::search_test_space();
  const arch::ArchConfig a = arch::sample_arch(space, 1), b = arch::sample_arch(space, 2),
                         c = arch::sample_arch(space, 3);
  ASSERT_NE(arch::arch_hash(a), arch::arch_hash(b));
  CountingFitness counter;
  FitnessCache cache(counter.fn());
  const std::vector<double> first = cache({a, b, a});
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0], test::synthetic_cost(a));
  EXPECT_EQ(first[1], test::synthetic_cost(b));
  EXPECT_EQ(first[2], first[0]);
  EXPECT_EQ(counter.batches, (std::vector<size_t>{2}));
  const std::vector<double> second = cache({b, c});
  EXPECT_EQ(second[0], first[1]);
  EXPECT_EQ(second[1], test::synthetic_cost(c));
  EXPECT_EQ(counter.batches, (std::vector<size_t>{2, 1}));
  EXPECT_EQ(cache.evaluations(), 3);
  cache({a, b, c});  // all known: no call at all
  EXPECT_EQ(counter.batches.size(), 2u);
  EXPECT_EQ(cache.find(arch::arch_hash(c)), test::synthetic_cost(c));
  EXPECT_FALSE(cache.find("no such hash").has_value());
}

TEST(FitnessCache, RememberedValuesAreUsedButNotCountedAsEvaluations) {
  const arch::SearchSpace space = test::search_test_space();
  const arch::ArchConfig a = arch::sample_arch(space, 1);
  CountingFitness counter;
  FitnessCache cache(counter.fn());
  cache.remember(arch::arch_hash(a), 42);
  EXPECT_EQ(cache({a}), (std::vector<double>{42}));
  EXPECT_TRUE(counter.batches.empty());
  EXPECT_EQ(cache.evaluations(), 0);
}

TEST(FitnessCache, AFitnessThatAnswersTheWrongCountIsAnError) {
  const arch::SearchSpace space = test::search_test_space();
  FitnessCache cache([](const std::vector<arch::ArchConfig>&) {
    return std::vector<double>{1, 2};
  });
  test::expect_error([&] { cache({arch::sample_arch(space, 1)}); },
                     {"fitness returned 2 values for 1"});
  test::expect_error([] { FitnessCache none(nullptr); }, {"no fitness function"});
}

}  // namespace
}  // namespace hat::search
