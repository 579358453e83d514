#include "search/genome.h"

#include <set>

#include <gtest/gtest.h>

#include "devices/random.h"
#include "tests/search/search_test_space.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

TEST(Genome, FollowsHatsGeneLayout) {
  const GenomeSpace space(test::search_test_space());
  // 2 + 2 x 3 encoder genes, 2 + 4 x 3 decoder genes.
  ASSERT_EQ(space.size(), 22u);
  EXPECT_EQ(space.gene_name(0), "encoder embed dim");
  EXPECT_EQ(space.gene_name(1), "encoder layers");
  EXPECT_EQ(space.gene_name(2), "encoder ffn dim 0");
  EXPECT_EQ(space.gene_name(5), "encoder heads 0");
  EXPECT_EQ(space.gene_name(8), "decoder embed dim");
  EXPECT_EQ(space.gene_name(21), "decoder attend-to layers 2");
}

TEST(Genome, EncodeDecodeRoundTripsAndRandomGenomesAreInTheSpace) {
  const GenomeSpace space(test::search_test_space());
  uint64_t rng = 5;
  for (int i = 0; i < 200; ++i) {
    const Genome g = space.random(rng);
    const arch::ArchConfig a = space.decode(g);
    arch::validate_arch(space.space(), a);
    EXPECT_EQ(space.decode(space.encode(a)), a);
  }
  test::SyntheticProblem p;
  EXPECT_EQ(space.decode(space.encode(p.target)), p.target);
  arch::ArchConfig outside = p.target;
  outside.encoder_embed_dim = 300;
  test::expect_error([&] { space.encode(outside); }, {"encoder embed dim", "300"});
}

TEST(Genome, MutationRateAndCrossoverTakeGenesAsHat) {
  const GenomeSpace space(test::search_test_space());
  uint64_t rng = 9;
  const Genome a = space.random(rng), b = space.random(rng);
  EXPECT_EQ(mutate(space, a, 0.0, rng), a);
  // p = 1: every gene redrawn uniformly; over many draws each gene takes every choice.
  std::vector<std::set<int64_t>> seen(space.size());
  int changed = 0, total = 0;
  for (int n = 0; n < 300; ++n) {
    const Genome m = mutate(space, a, 1.0, rng);
    for (size_t i = 0; i < m.size(); ++i) seen[i].insert(m[i]);
    const Genome q = mutate(space, a, 0.3, rng);
    for (size_t i = 0; i < q.size(); ++i) changed += q[i] != a[i], ++total;
  }
  for (size_t i = 0; i < space.size(); ++i) EXPECT_EQ(seen[i].size(), space.choices(i).size());
  // A gene changes with probability 0.3 * (1 - 1/choices): between 0.15 and 0.23 here.
  const double rate = static_cast<double>(changed) / total;
  EXPECT_GT(rate, 0.13);
  EXPECT_LT(rate, 0.25);
  int from_a = 0, genes = 0;
  for (int n = 0; n < 200; ++n) {
    const Genome c = crossover(a, b, rng);
    for (size_t i = 0; i < c.size(); ++i) {
      ASSERT_TRUE(c[i] == a[i] || c[i] == b[i]);
      if (a[i] != b[i]) from_a += c[i] == a[i], ++genes;
    }
  }
  EXPECT_NEAR(static_cast<double>(from_a) / genes, 0.5, 0.05);
}

}  // namespace
}  // namespace hat::search
