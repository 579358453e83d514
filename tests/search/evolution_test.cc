// The evolutionary search on a synthetic problem with a known optimum under a known
// constraint: it finds the optimum, beats random search with the same budget, keeps every
// population feasible, is deterministic, and resumes to the uninterrupted result.
#include "search/evolution.h"

#include <set>

#include <gtest/gtest.h>

#include "tests/search/search_test_space.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

EvolutionOptions small_options(uint64_t seed) {
  EvolutionOptions o;
  o.iterations = 15;
  o.parents = 10;
  o.mutations = 20;
  o.crossovers = 20;
  o.seed = seed;
  return o;
}

TEST(EvolutionarySearch, FindsTheKnownOptimumUnderTheConstraint) {
  test::SyntheticProblem p;
  EvolutionarySearch search(p.space, small_options(1), p.fitness_fn(), p.constraint());
  const SearchState s = search.run();
  ASSERT_NE(s.best(), nullptr);
  EXPECT_EQ(s.best()->fitness, 0);
  EXPECT_EQ(p.space.decode(s.best()->genome), p.target);
  // The best per iteration never gets worse (parents survive).
  for (size_t i = 1; i < s.best_per_iteration.size(); ++i)
    EXPECT_LE(s.best_per_iteration[i], s.best_per_iteration[i - 1]);
}

TEST(EvolutionarySearch, BeatsRandomSearchWithTheSameBudgetOnAverage) {
  double evolution = 0, random = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    test::SyntheticProblem p;
    EvolutionarySearch search(p.space, small_options(seed), p.fitness_fn(), p.constraint());
    const SearchState e = search.run();
    const SearchState r = search.run_random(static_cast<int64_t>(e.scored.size()));
    EXPECT_EQ(r.scored.size(), e.scored.size());
    evolution += e.best()->fitness;
    random += r.best()->fitness;
  }
  EXPECT_LT(evolution, random) << "mean best fitness: evolution " << evolution / 5 << ", random "
                               << random / 5;
}

TEST(EvolutionarySearch, EveryMemberOfEveryPopulationMeetsTheConstraint) {
  test::SyntheticProblem p;
  int iterations = 0;
  EvolutionarySearch search(p.space, small_options(3), p.fitness_fn(), p.constraint());
  const SearchState s = search.run(std::nullopt, [&](const SearchState& state) {
    ++iterations;
    EXPECT_EQ(state.population.size(), 50u);
    for (const Genome& g : state.population)
      EXPECT_LE(test::synthetic_cost(p.space.decode(g)), p.budget);
  });
  EXPECT_EQ(iterations, 15);
  for (const Candidate& c : s.scored) EXPECT_LE(test::synthetic_cost(p.space.decode(c.genome)), p.budget);
  const SearchState r = search.run_random(200);
  for (const Candidate& c : r.scored) EXPECT_LE(test::synthetic_cost(p.space.decode(c.genome)), p.budget);
}

TEST(EvolutionarySearch, NeverScoresAnArchitectureTwice) {
  test::SyntheticProblem p;
  EvolutionarySearch search(p.space, small_options(4), p.fitness_fn(), p.constraint());
  const SearchState s = search.run();
  std::set<std::string> hashes;
  for (const Candidate& c : s.scored) EXPECT_TRUE(hashes.insert(c.hash).second) << c.hash;
  EXPECT_EQ(p.evaluations, static_cast<int64_t>(s.scored.size()));
  EXPECT_LT(p.evaluations, 15 * 50);  // parents are carried over, never rescored
}

TEST(EvolutionarySearch, SameSeedSameResult) {
  test::SyntheticProblem p1, p2;
  const SearchState a = EvolutionarySearch(p1.space, small_options(7), p1.fitness_fn(), p1.constraint()).run();
  const SearchState b = EvolutionarySearch(p2.space, small_options(7), p2.fitness_fn(), p2.constraint()).run();
  EXPECT_EQ(a.to_json(), b.to_json());
  test::SyntheticProblem p3;
  const SearchState c = EvolutionarySearch(p3.space, small_options(8), p3.fitness_fn(), p3.constraint()).run();
  EXPECT_NE(a.to_json(), c.to_json());
}

TEST(EvolutionarySearch, ResumeFromASavedIterationEqualsAnUninterruptedRun) {
  test::SyntheticProblem p;
  EvolutionarySearch search(p.space, small_options(11), p.fitness_fn(), p.constraint());
  const SearchState whole = search.run();
  std::string saved;
  struct Killed {};
  try {
    search.run(std::nullopt, [&](const SearchState& s) {
      saved = s.to_json().dump();  // what the tool writes after each iteration
      if (s.completed_iterations == 6) throw Killed{};
    });
    FAIL() << "not interrupted";
  } catch (const Killed&) {
  }
  const SearchState resumed = search.run(SearchState::from_json(nlohmann::json::parse(saved)));
  EXPECT_EQ(resumed.to_json(), whole.to_json());
}

TEST(EvolutionarySearch, AnImpossibleConstraintIsAClearError) {
  test::SyntheticProblem p;
  EvolutionOptions o = small_options(1);
  o.max_draws = 500;
  EvolutionarySearch search(p.space, o, p.fitness_fn(),
                            [](const arch::ArchConfig&) { return false; });
  test::expect_error([&] { search.run(); }, {"no architecture met the constraints", "500 draws"});
  o.parents = 0;
  test::expect_error([&] { EvolutionarySearch(p.space, o, p.fitness_fn(), {}); }, {"parents"});
}

}  // namespace
}  // namespace hat::search
