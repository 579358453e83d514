// candidates.sqlite: every scored candidate of a run read back as recorded (architecture, loss,
// iteration, origin, parameters, predicted latency), recording again adds nothing, runs are
// kept apart, and the best loss per iteration is kept.
#include "search/result_store.h"

#include <gtest/gtest.h>

#include "tests/search/search_test_model.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

class ResultStore : public test::TempDirectoryTest {
 protected:
  ResultStore() {
    o.iterations = 4;
    o.parents = 5;
    o.mutations = 5;
    o.crossovers = 5;
  }
  void SetUp() override {
    TempDirectoryTest::SetUp();
    std::filesystem::create_directories(root_);
  }
  EvolutionOptions o;
};

TEST_F(ResultStore, RoundTripsEveryCandidateOfARun) {
  test::SyntheticProblem p;
  const SearchState state = EvolutionarySearch(p.space, o, p.fitness_fn(), p.constraint()).run();
  Constraints constraints(test::search_test_model());
  constraints.add_latency(test::test_latency_bound(1e9));
  const auto facts = [&](const arch::ArchConfig& a) { return constraints.facts(a); };
  {
    SearchResultStore store(root_ / "candidates.sqlite");
    store.record("testboard@100ms", state, p.space, facts);
  }
  SearchResultStore store(root_ / "candidates.sqlite");  // reopened: it was written to disk
  const std::vector<StoredCandidate> rows = store.candidates("testboard@100ms");
  ASSERT_EQ(rows.size(), state.scored.size());
  bool mutation = false, crossover = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Candidate& c = state.scored[i];
    const arch::ArchConfig arch = p.space.decode(c.genome);
    EXPECT_EQ(rows[i].hash, c.hash);
    EXPECT_EQ(rows[i].iteration, c.iteration);
    EXPECT_EQ(rows[i].origin, c.origin);
    EXPECT_EQ(rows[i].loss, c.fitness);
    EXPECT_EQ(rows[i].arch, arch);
    const CandidateFacts want = constraints.facts(arch);
    EXPECT_EQ(rows[i].facts.parameters, want.parameters);
    EXPECT_EQ(rows[i].facts.parameters_with_embeddings, want.parameters_with_embeddings);
    EXPECT_EQ(rows[i].facts.latency_ms, want.latency_ms);
    mutation |= c.origin == Origin::mutation;
    crossover |= c.origin == Origin::crossover;
  }
  EXPECT_TRUE(mutation && crossover);
  EXPECT_EQ(store.best_per_iteration("testboard@100ms"), state.best_per_iteration);
  EXPECT_TRUE(store.candidates("another run").empty());
}

TEST_F(ResultStore, RecordingAfterEachIterationAddsOnlyTheNewCandidates) {
  test::SyntheticProblem p;
  Constraints constraints(test::search_test_model());
  const auto facts = [&](const arch::ArchConfig& a) { return constraints.facts(a); };
  SearchResultStore store(root_ / "candidates.sqlite");
  std::vector<size_t> stored;
  const SearchState state = EvolutionarySearch(p.space, o, p.fitness_fn(), p.constraint())
      .run(std::nullopt, [&](const SearchState& s) {
        store.record("a", s, p.space, facts);
        store.record("a", s, p.space, facts);  // a repeated record changes nothing
        stored.push_back(store.candidates("a").size());
        EXPECT_EQ(stored.back(), s.scored.size());
      });
  EXPECT_EQ(stored.size(), 4u);
  EXPECT_LT(stored.front(), stored.back());
  // A second run of the same candidates is kept apart.
  store.record("b", state, p.space, facts);
  EXPECT_EQ(store.candidates("a").size(), state.scored.size());
  EXPECT_EQ(store.candidates("b").size(), state.scored.size());
  EXPECT_EQ(store.best_per_iteration("b"), state.best_per_iteration);
}

}  // namespace
}  // namespace hat::search
