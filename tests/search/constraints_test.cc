// Constraints: latency bounds through a predictor, the parameter and memory limits, the facts
// recorded per candidate, and infeasible bounds refused with the range that is feasible.
#include "search/constraints.h"

#include <gtest/gtest.h>

#include "tests/search/search_test_model.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

const arch::SearchSpace& space() {
  static const arch::SearchSpace s = test::search_test_space();
  return s;
}

double predicted(const arch::ArchConfig& arch) {
  return test::test_latency_bound(0).predict_ms(arch);
}

TEST(Constraints, ALatencyBoundAdmitsExactlyTheArchitecturesPredictedWithinIt) {
  const model::SuperTransformer& model = test::search_test_model();
  const arch::ArchConfig small = arch::smallest_arch(space()), large = arch::largest_arch(space());
  const double lo = predicted(small), hi = predicted(large);
  ASSERT_GT(lo, 0);
  ASSERT_LT(lo, hi);
  Constraints c(model);
  c.add_latency(test::test_latency_bound((lo + hi) / 2));
  EXPECT_TRUE(c.satisfied(small));
  EXPECT_FALSE(c.satisfied(large));
  // The bound is inclusive: an architecture predicted exactly at the budget fits.
  Constraints exact(model);
  exact.add_latency(test::test_latency_bound(hi));
  EXPECT_TRUE(exact.satisfied(large));
  // Every bound must hold: a second, tighter device rules the small one out too.
  c.add_latency(test::test_latency_bound(lo / 2, "otherboard"));
  EXPECT_FALSE(c.satisfied(small));
}

TEST(Constraints, ParameterAndMemoryLimitsCountWhatTheyDocument) {
  const model::SuperTransformer& model = test::search_test_model();
  const arch::ArchConfig small = arch::smallest_arch(space()), large = arch::largest_arch(space());
  Constraints c(model);
  c.set_max_parameters(model.parameter_count(small, false));
  EXPECT_TRUE(c.satisfied(small));
  EXPECT_FALSE(c.satisfied(large));
  // Without embeddings: a limit between the two counts of the small one admits it.
  EXPECT_GT(model.parameter_count(small, true), model.parameter_count(small, false));

  const int64_t small_bytes = inference_memory_bytes(model, small, 30, 5);
  EXPECT_LT(small_bytes, inference_memory_bytes(model, large, 30, 5));
  // Four bytes a value, and at least every parameter with embeddings.
  EXPECT_EQ(small_bytes % 4, 0);
  EXPECT_GT(small_bytes, 4 * model.parameter_count(small, true));
  // Longer sentences and wider beams need more.
  EXPECT_LT(small_bytes, inference_memory_bytes(model, small, 60, 5));
  EXPECT_LT(small_bytes, inference_memory_bytes(model, small, 30, 8));
  Constraints m(model);
  m.set_max_memory_bytes(small_bytes);
  EXPECT_TRUE(m.satisfied(small));
  m.set_max_memory_bytes(small_bytes - 1);
  EXPECT_FALSE(m.satisfied(small));
  // The memory protocol is the first latency device's.
  m.add_latency(test::test_latency_bound(1e9));
  EXPECT_EQ(m.protocol_length(), 30);
  EXPECT_EQ(m.protocol_beam(), 5);
}

TEST(Constraints, FactsGiveParametersAndEveryDevicesPrediction) {
  const model::SuperTransformer& model = test::search_test_model();
  const arch::ArchConfig arch = arch::sample_arch(space(), 3);
  Constraints c(model);
  c.add_latency(test::test_latency_bound(1e9, "a"));
  c.add_latency(test::test_latency_bound(1e9, "b"));
  const CandidateFacts f = c.facts(arch);
  EXPECT_EQ(f.parameters, model.parameter_count(arch, false));
  EXPECT_EQ(f.parameters_with_embeddings, model.parameter_count(arch, true));
  ASSERT_EQ(f.latency_ms.size(), 2u);
  EXPECT_DOUBLE_EQ(f.latency_ms.at("a"), predicted(arch));
  EXPECT_DOUBLE_EQ(f.latency_ms.at("b"), predicted(arch));
}

TEST(Constraints, AnImpossibleBoundNamesTheFeasibleRange) {
  const model::SuperTransformer& model = test::search_test_model();
  const arch::ArchConfig small = arch::smallest_arch(space()), large = arch::largest_arch(space());
  const double lo = predicted(small), hi = predicted(large);

  Constraints latency(model);
  latency.add_latency(test::test_latency_bound(lo / 2));
  test::expect_error([&] { latency.check_feasible(space()); },
                     {"no SubTransformer of the space 'search-test'", "on testboard",
                      str("range from ", lo, " ms (smallest) to ", hi, " ms (largest)")});
  Constraints possible(model);
  possible.add_latency(test::test_latency_bound(lo));
  EXPECT_NO_THROW(possible.check_feasible(space()));

  Constraints params(model);
  params.set_max_parameters(10);
  test::expect_error([&] { params.check_feasible(space()); },
                     {"at most 10 parameters",
                      str("range from ", model.parameter_count(small, false), " to ",
                          model.parameter_count(large, false))});

  Constraints memory(model);
  memory.set_max_memory_bytes(1000);
  test::expect_error([&] { memory.check_feasible(space()); },
                     {"fits in 0.001 MB",
                      str("range from ", inference_memory_bytes(model, small, 30, 5) / 1e6, " to ",
                          inference_memory_bytes(model, large, 30, 5) / 1e6, " MB")});
}

}  // namespace
}  // namespace hat::search
