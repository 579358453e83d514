// The search's orchestration on the synthetic problem (search_test_space.h) under real latency
// bounds (search_test_model.h): a latency-constrained search finds the optimum within its
// budget and writes its files; a sweep runs each budget sharing one fitness cache; an
// interrupted sweep resumes to the uninterrupted result, and refuses a state of other settings.
#include "search/sweep.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "search/result_files.h"
#include "search/result_store.h"
#include "supernet/arch/arch_yaml.h"
#include "tests/search/search_test_model.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ostringstream out;
  out << std::ifstream(path).rdbuf();
  return out.str();
}

double predicted(const arch::ArchConfig& arch) {
  return test::test_latency_bound(0).predict_ms(arch);
}

class Sweep : public test::TempDirectoryTest {
 protected:
  SweepSettings settings(const std::string& dir, uint64_t seed = 1) {
    SweepSettings s;
    s.identity = {"evolution", seed, "search-test-hash"};
    s.evolution.iterations = 15;
    s.evolution.parents = 10;
    s.evolution.mutations = 20;
    s.evolution.crossovers = 20;
    s.evolution.seed = seed;
    s.out = root_ / dir;
    fs::create_directories(s.out);
    return s;
  }
  static Constraints constraints_for(const std::vector<Budget>& budgets) {
    Constraints c(test::search_test_model());
    for (const Budget& b : budgets) c.add_latency(test::test_latency_bound(b.ms, b.device));
    c.check_feasible(test::search_test_space());
    return c;
  }
  // Runs the sweep on a fresh problem and cache; `problem` and `cache` report what it scored.
  std::vector<RunResult> sweep(const std::vector<std::vector<Budget>>& runs, const SweepSettings& s,
                               const SweepObserver& observer = {}) {
    problem = std::make_unique<test::SyntheticProblem>();
    cache = std::make_shared<FitnessCache>(problem->fitness_fn());
    return run_sweep(problem->space, runs, constraints_for, cache, s, observer);
  }
  std::unique_ptr<test::SyntheticProblem> problem;
  std::shared_ptr<FitnessCache> cache;
  const double target_ms = predicted(test::SyntheticProblem().target);
};

TEST_F(Sweep, ALatencyConstrainedSearchFindsTheOptimumWithinItsBudget) {
  const SweepSettings s = settings("one");
  std::vector<std::string> printed;
  int iterations = 0;
  SweepObserver observer;
  observer.print = [&](const std::string& line) { printed.push_back(line); };
  observer.iteration_done = [&](const std::string& label, const SearchState& state, double) {
    EXPECT_EQ(label, budget_label({{"testboard", target_ms}}));
    EXPECT_EQ(state.completed_iterations, ++iterations);
  };
  const std::vector<RunResult> results = sweep({{{"testboard", target_ms}}}, s, observer);
  ASSERT_EQ(results.size(), 1u);
  const RunResult& r = results[0];
  EXPECT_EQ(iterations, 15);
  // The optimum lies on the budget (the budget is its predicted latency), and is found.
  EXPECT_EQ(r.state.best()->fitness, 0);
  EXPECT_EQ(r.best, problem->target);
  EXPECT_DOUBLE_EQ(r.best_facts.latency_ms.at("testboard"), target_ms);
  // Nothing over the budget was ever scored, and some architectures in the space are over it.
  for (const Candidate& c : r.state.scored) EXPECT_LE(predicted(problem->space.decode(c.genome)), target_ms);
  EXPECT_GT(predicted(arch::largest_arch(test::search_test_space())), target_ms);

  // Its files: the winner in both formats, the state, every candidate, and the plot.
  EXPECT_EQ(read(s.out / "best.yml"), arch::arch_to_yaml(problem->target));
  EXPECT_EQ(read(s.out / "best.hat.yml"), arch::arch_to_hat_yaml(problem->target));
  EXPECT_TRUE(fs::exists(s.out / "state.json"));
  EXPECT_EQ(SearchResultStore(s.out / "candidates.sqlite").candidates(r.label).size(), r.state.scored.size());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0].rfind("winner for " + r.label + ": loss 0 bits, ", 0), 0u) << printed[0];
  EXPECT_NE(printed[0].find(" ms\n  "), std::string::npos) << printed[0];
  EXPECT_EQ(r.plot_points.size(), r.state.scored.size());
  ASSERT_TRUE(write_plot(s.out, results));
  EXPECT_NE(read(s.out / "plot.svg").find("predicted testboard latency"), std::string::npos);

  const nlohmann::json j = run_json(r);
  EXPECT_EQ(j.at("loss_bits"), 0);
  EXPECT_EQ(j.at("arch_hash"), arch::arch_hash(problem->target));
  EXPECT_EQ(j.at("evaluations"), r.state.scored.size());
  EXPECT_EQ(j.at("budgets").at(0).at("latency_ms"), target_ms);
  EXPECT_EQ(j.at("predicted_latency_ms").at("testboard"), target_ms);
  EXPECT_EQ(j.at("best_loss_per_iteration").size(), 15u);
}

TEST_F(Sweep, ABudgetSweepRunsEachBudgetSharingOneFitnessCache) {
  const double tight = (predicted(arch::smallest_arch(test::search_test_space())) + target_ms) / 2;
  const std::vector<std::vector<Budget>> runs = {{{"testboard", tight}}, {{"testboard", target_ms}}};
  const SweepSettings s = settings("sweep");
  const std::vector<RunResult> results = sweep(runs, s);
  ASSERT_EQ(results.size(), 2u);
  std::set<std::string> distinct;
  size_t listed = 0;
  for (size_t i = 0; i < 2; ++i) {
    const RunResult& r = results[i];
    EXPECT_EQ(r.label, budget_label(runs[i]));
    EXPECT_LE(r.best_facts.latency_ms.at("testboard"), runs[i][0].ms);
    EXPECT_EQ(read(s.out / ("best-" + r.label + ".yml")), arch::arch_to_yaml(r.best));
    EXPECT_TRUE(fs::exists(s.out / ("state-" + r.label + ".json")));
    for (const Candidate& c : r.state.scored) distinct.insert(c.hash);
    listed += r.state.scored.size();
  }
  EXPECT_FALSE(fs::exists(s.out / "best.yml"));
  EXPECT_FALSE(fs::exists(s.out / "state.json"));
  // The tight budget rules the optimum out; the loose one finds it.
  EXPECT_GT(results[0].state.best()->fitness, 0);
  EXPECT_EQ(results[1].state.best()->fitness, 0);
  // Each run lists what it scored, but the fitness saw each architecture once.
  EXPECT_EQ(cache->evaluations(), static_cast<int64_t>(distinct.size()));
  EXPECT_EQ(problem->evaluations, cache->evaluations());
  EXPECT_LT(static_cast<size_t>(cache->evaluations()), listed);
  const SearchResultStore store(s.out / "candidates.sqlite");
  for (const RunResult& r : results) EXPECT_EQ(store.candidates(r.label).size(), r.state.scored.size());
  ASSERT_TRUE(write_plot(s.out, results));
  const std::string svg = read(s.out / "plot.svg");
  size_t budget_lines = 0;
  for (size_t at = 0; (at = svg.find("stroke-dasharray", at)) != std::string::npos; ++at) ++budget_lines;
  EXPECT_EQ(budget_lines, 2u);
}

TEST_F(Sweep, WithoutALatencyBudgetThereIsNoPlot) {
  const std::vector<RunResult> results = sweep({{}}, settings("free"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].state.best()->fitness, 0);  // unconstrained, the optimum is found
  EXPECT_TRUE(results[0].best_facts.latency_ms.empty());
  EXPECT_FALSE(write_plot(root_ / "free", results));
  EXPECT_FALSE(fs::exists(root_ / "free" / "plot.svg"));
}

TEST_F(Sweep, RandomSearchScoresIterationsTimesPopulationWithinTheBudget) {
  SweepSettings s = settings("random");
  s.identity.algorithm = "random";
  s.evolution.iterations = 3;
  const std::vector<RunResult> results = sweep({{{"testboard", target_ms}}}, s);
  EXPECT_EQ(results[0].state.scored.size(), 3u * 50u);
  for (const Candidate& c : results[0].state.scored) {
    EXPECT_EQ(c.origin, Origin::random);
    EXPECT_LE(predicted(problem->space.decode(c.genome)), target_ms);
  }
}

TEST_F(Sweep, AnInterruptedSweepResumesToTheUninterruptedResult) {
  const double tight = (predicted(arch::smallest_arch(test::search_test_space())) + target_ms) / 2;
  const std::vector<std::vector<Budget>> runs = {{{"testboard", tight}}, {{"testboard", target_ms}}};
  const std::vector<RunResult> whole = sweep(runs, settings("whole"));

  // Stopped (as by Ctrl-C) after the second run's fourth iteration.
  SweepSettings s = settings("stopped");
  SweepObserver stop;
  std::string last_label;
  int last_iteration = 0;
  stop.iteration_done = [&](const std::string& label, const SearchState& state, double) {
    last_label = label;
    last_iteration = state.completed_iterations;
  };
  stop.stop_requested = [&] { return last_label == budget_label(runs[1]) && last_iteration == 4; };
  test::expect_error([&] { sweep(runs, s, stop); },
                     {"stopped; continue with --resume", "state-" + budget_label(runs[1]) + ".json"});
  EXPECT_FALSE(fs::exists(s.out / ("best-" + budget_label(runs[1]) + ".yml")));

  s.resume = true;
  std::vector<std::string> notes;
  SweepObserver observer;
  observer.status = [&](const std::string& line) { notes.push_back(line); };
  const std::vector<RunResult> resumed = sweep(runs, s, observer);
  EXPECT_EQ(notes, (std::vector<std::string>{"resuming " + budget_label(runs[0]) + " after iteration 15",
                                             "resuming " + budget_label(runs[1]) + " after iteration 4"}));
  ASSERT_EQ(resumed.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(resumed[i].state.to_json(), whole[i].state.to_json()) << i;
    const std::string best = "best-" + whole[i].label + ".yml";
    EXPECT_EQ(read(s.out / best), read(root_ / "whole" / best));
    EXPECT_EQ(SearchResultStore(s.out / "candidates.sqlite").candidates(whole[i].label).size(),
              whole[i].state.scored.size());
  }
  // Scored again: only what the second run found from its fifth iteration on that the first
  // had not scored (the saved states' values are reused).
  std::set<std::string> first;
  for (const Candidate& c : whole[0].state.scored) first.insert(c.hash);
  int64_t fresh = 0;
  for (const Candidate& c : whole[1].state.scored) fresh += c.iteration >= 4 && !first.count(c.hash);
  EXPECT_EQ(problem->evaluations, fresh);

  // A resumed finished search scores nothing and gives the same winners.
  const std::vector<RunResult> again = sweep(runs, s);
  EXPECT_EQ(problem->evaluations, 0);
  EXPECT_EQ(again[1].best, whole[1].best);
}

TEST_F(Sweep, ResumingRefusesAStateOfOtherSettings) {
  const std::vector<std::vector<Budget>> runs = {{{"testboard", target_ms}}};
  SweepSettings s = settings("saved");
  s.evolution.iterations = 2;
  sweep(runs, s);
  s.resume = true;
  SweepSettings seed = s;
  seed.identity.seed = seed.evolution.seed = 2;
  test::expect_error([&] { sweep(runs, seed); }, {"state.json is not a saved state of this search"});
  SweepSettings algorithm = s;
  algorithm.identity.algorithm = "random";
  test::expect_error([&] { sweep(runs, algorithm); }, {"not a saved state"});
  SweepSettings space = s;
  space.identity.space_hash = "another space";
  test::expect_error([&] { sweep(runs, space); }, {"not a saved state"});
  std::ofstream(s.out / "state.json") << "{ not json";
  test::expect_error([&] { sweep(runs, s); }, {"not a saved state"});
  // Without --resume the saved state is not read: the search starts over.
  s.resume = false;
  EXPECT_EQ(sweep(runs, s)[0].state.completed_iterations, 2);
}

}  // namespace
}  // namespace hat::search
