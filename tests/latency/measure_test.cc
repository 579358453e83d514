// The one place latency is measured (latency/measure/): the iteration policy's timing loop, both
// measuring modes, the kernel implementations a measurement ran (stored with each row of a run),
// and the model a run measures (random weights or a fixed architecture).
#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "devices/kernel_implementations.h"
#include "latency/dataset/latency_dataset.h"
#include "latency/measure/measure_architecture.h"
#include "latency/measure/profile_run.h"
#include "latency/measure/profiled_model.h"
#include "supernet/arch/space_file.h"
#include "tests/supernet/model_test_util.h"
#include "tests/support/test_util.h"
#include "tests/support/tiny_space.h"

namespace hat::latency {
namespace {

// A run returning the given timings in turn (the last one again when they run out).
std::function<double()> timings(std::vector<double> values) {
  auto next = std::make_shared<size_t>(0);
  return [values, next] { return values[std::min((*next)++, values.size() - 1)]; };
}

TEST(TimeUntil, AFixedPolicyTakesExactlyItsIterations) {
  IterationPolicy policy;
  policy.iterations = 7;
  int ticks = 0;
  const std::vector<double> t = time_until(timings({3, 1, 2}), policy, 0.1, [&] { ++ticks; });
  EXPECT_EQ(t, (std::vector<double>{3, 1, 2, 2, 2, 2, 2}));
  EXPECT_EQ(ticks, 7);
}

TEST(TimeUntil, APrecisionTargetStopsOnceMetAndNeverPastTheCap) {
  IterationPolicy policy;
  policy.iterations = 3;
  policy.precision = 0.01;
  policy.max_iterations = 50;
  // Equal timings: no error at all, so the minimum is enough.
  EXPECT_EQ(time_until(timings({5}), policy, 0.1, {}).size(), 3u);
  // 10, 20, then 15s: the trimmed mean's relative standard error falls below 1% only after
  // enough 15s (std / sqrt(kept) / mean); it never stops before the minimum.
  const std::vector<double> t = time_until(timings({10, 20, 15}), policy, 0.0, {});
  EXPECT_GT(t.size(), 3u);
  EXPECT_LT(t.size(), 50u);
  // Timings that never agree: the cap.
  std::vector<double> wild;
  for (int i = 0; i < 100; ++i) wild.push_back(i % 2 ? 1 : 100);
  EXPECT_EQ(time_until(timings(wild), policy, 0.1, {}).size(), 50u);
}

TEST(TimeUntil, ATickThatThrowsStopsTheLoop) {
  IterationPolicy policy;
  policy.iterations = 10;
  int runs = 0;
  EXPECT_THROW(time_until([&] { return static_cast<double>(++runs); }, policy, 0.1,
                          [&] {
                            if (runs == 4) throw Error("stop");
                          }),
               Error);
  EXPECT_EQ(runs, 4);
}

TEST(MeasureArchitecture, TranslateModeTimesWholeSearchesAndRefusesOtherModes) {
  model::SuperTransformer model(test::tiny_dims());
  model.init_parameters(3);
  MeasureOptions options;
  options.protocol.source_length = 5;
  options.protocol.beam = 2;
  options.protocol.warmups = 1;
  options.policy.iterations = 3;
  options.mode = "translate";
  int ticks = 0;
  const ProtocolResult r =
      measure_architecture(model, test::tiny_arch(), options, [&] { ++ticks; });
  EXPECT_EQ(ticks, 6);
  EXPECT_EQ(r.encoder.samples, 3);
  EXPECT_EQ(r.decoder.samples, 3);
  EXPECT_GT(r.encoder.min_ms, 0);
  EXPECT_GE(r.decoder.min_ms, 0);  // a search less its encoder run, never below 0
  options.mode = "beam";
  test::expect_error([&] { measure_architecture(model, test::tiny_arch(), options); },
                     {"unknown mode 'beam'"});
  options.mode = "protocol";
  options.policy.iterations = 0;
  test::expect_error([&] { measure_architecture(model, test::tiny_arch(), options); },
                     {"iterations 0"});
}

bool has_matmul(const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(),
                     [](const std::string& n) { return n.rfind("matmul:", 0) == 0; });
}

// Recorded in the warm-ups, or in the timed runs without any; sorted, each once; the recorder is
// gone afterwards (another one may start).
TEST(MeasureArchitecture, RecordsTheKernelImplementationsThatRan) {
  model::SuperTransformer model(test::tiny_dims());
  model.init_parameters(3);
  MeasureOptions options;
  options.protocol.source_length = 4;
  options.protocol.beam = 2;
  options.policy.iterations = 1;
  for (int warmups : {1, 0}) {
    options.protocol.warmups = warmups;
    const ProtocolResult r = measure_architecture(model, test::tiny_arch(), options);
    SCOPED_TRACE(warmups);
    EXPECT_TRUE(has_matmul(r.implementations));
    EXPECT_TRUE(std::is_sorted(r.implementations.begin(), r.implementations.end()));
    EXPECT_EQ(std::adjacent_find(r.implementations.begin(), r.implementations.end()),
              r.implementations.end());
    KernelImplementationRecorder after;  // measure_architecture's recorder has stopped
    EXPECT_TRUE(after.implementations().empty());
  }
}

class ProfiledModelTest : public test::TempDirectoryTest {
 protected:
  void SetUp() override {
    TempDirectoryTest::SetUp();
    std::filesystem::create_directories(root_);
    space_ = (root_ / "space.yml").string();
    std::ofstream(space_) << test::kTinySpaceYaml;
  }
  std::string space_;
};

TEST_F(ProfiledModelTest, RandomWeightsAtTheGivenVocabularySampleTheSpace) {
  const ProfiledModel m = open_profiled_model(std::nullopt, {space_, 40, 9}, std::nullopt);
  ASSERT_TRUE(m.random);
  EXPECT_EQ(m.model().dims().vocab_size, 40);
  EXPECT_EQ(m.space.space.super_dims.vocab_size, 40);
  EXPECT_EQ(m.model().dims().encoder_embed_max, 32);
  EXPECT_FALSE(m.fixed_arch);  // nothing asked: the run samples
  EXPECT_EQ(m.weights, "random (seed 9)");
  // The same seed, the same weights.
  const ProfiledModel again = open_profiled_model(std::nullopt, {space_, 40, 9}, std::nullopt);
  EXPECT_TRUE(
      test::same_bytes(m.model().parameters().values(), again.model().parameters().values()));
}

TEST_F(ProfiledModelTest, AFixedArchitectureIsResolvedAndChecked) {
  const ProfiledModel m =
      open_profiled_model(std::nullopt, {space_, 40, 1}, std::string("smallest"));
  ASSERT_TRUE(m.fixed_arch);
  EXPECT_EQ(*m.fixed_arch, arch::smallest_arch(m.space.space));
  EXPECT_EQ(resolve_space_arch("largest", m), arch::largest_arch(m.space.space));
  test::expect_error([&] { resolve_space_arch((root_ / "missing.yml").string(), m); },
                     {"missing.yml"});
}

// hatprofile run's rows, read back from the dataset, say which kernels ran: a matmul at least.
TEST_F(ProfiledModelTest, ARunStoresTheImplementationsThatRanInEachRow) {
  const ProfiledModel m = open_profiled_model(std::nullopt, {space_, 40, 9}, std::nullopt);
  LatencyDataset dataset(root_ / "d.sqlite");
  dataset.put_device({"host", "cpu", "cpu (oneDNN)", 1});
  ProfileRunConfig config;
  config.space = m.space.space;
  config.space_hash = "tiny";
  config.samples = 2;
  config.reference_arch = arch::smallest_arch(m.space.space);
  config.protocol.source_length = 4;
  config.protocol.beam = 2;
  config.protocol.warmups = 1;
  config.policy.iterations = 2;
  config.device = "host";
  config.weights = m.weights;
  config.host = "test";
  const ProfileRunSummary summary = run_profile(m.model(), dataset, config, {}, {});
  EXPECT_EQ(summary.measured, 2);
  const std::vector<Measurement> rows = dataset.measurements();
  ASSERT_EQ(rows.size(), 4u) << "two samples, each with its reference";
  for (const Measurement& row : rows) {
    ASSERT_TRUE(row.implementations.has_value()) << *row.run_key;
    const std::string& text = *row.implementations;
    EXPECT_TRUE(text.rfind("matmul:", 0) == 0 || text.find(", matmul:") != std::string::npos)
        << text;
    EXPECT_EQ(text.find(",,"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace hat::latency
