// What hatpredict's commands ask of latency/predict: train_and_test (train), the queries and
// their printed lines (predict), and which kernel benchmarks price a data set (--kernels).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "latency/host_info.h"
#include "latency/predict/attach_kernels.h"
#include "latency/predict/kernel_costs.h"
#include "latency/predict/prediction_query.h"
#include "latency/predict/train_and_test.h"
#include "latency/report/format.h"
#include "supernet/arch/arch_yaml.h"
#include "tests/latency/predict_test_data.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

class PredictCommands : public test::TempDirectoryTest {
 protected:
  void SetUp() override {
    TempDirectoryTest::SetUp();
    std::filesystem::create_directories(root_);
  }
  // A kernel benchmark file of `host` at `threads` threads.
  std::string kernels(const std::string& name, const std::string& host, int threads) {
    KernelCosts k = test_data::hand_kernel_costs();
    k.host = host;
    k.threads = threads;
    const std::string file = (root_ / name).string();
    save_kernel_costs(file, k);
    return file;
  }
};

TEST(TrainAndTest, ScoresOnTheTestSplitAndRefusesTooFewRows) {
  const PredictorData data = test_data::synthetic_data(60, 5, true);
  TrainOptions options;
  options.seed = 3;
  const TestedPredictor t = train_and_test("ops", data, options);
  EXPECT_EQ(t.predictor.kind, "ops");
  EXPECT_EQ(t.train_rows, split_rows(60, 3).train.size());
  EXPECT_EQ(t.test.count, static_cast<int>(split_rows(60, 3).test.size()));
  EXPECT_LT(t.test.mape, 1e-6);  // the rows are exactly an operator model's
  const PredictorData few = test_data::synthetic_data(min_rows_to_train() - 1, 5, true);
  test::expect_error([&] { train_and_test("ops", few, options); },
                     {"synthetic: ", "training needs at least 27"});
}

TEST_F(PredictCommands, QueriesTakeThePredictorsSettingAndTheOverrides) {
  uint64_t seed = 4;
  const arch::ArchConfig arch = test_data::random_arch(seed);
  const std::string file = (root_ / "arch.yml").string();
  std::ofstream(file) << arch::arch_to_yaml(arch);
  InferenceSetting base;
  base.vocab_size = 8000;
  base.beam = 4;
  std::vector<PredictionQuery> q = prediction_queries({file, file}, {}, base, {});
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].name, file);
  EXPECT_EQ(q[0].arch, arch);
  EXPECT_EQ(q[0].setting.vocab_size, 8000);
  EXPECT_EQ(q[0].setting.beam, 4);
  SettingOverrides given;
  given.beam = 2;
  given.qkv_dim = 256;
  q = prediction_queries({file}, {}, base, given);
  EXPECT_EQ(q[0].setting.vocab_size, 8000);
  EXPECT_EQ(q[0].setting.beam, 2);
  EXPECT_EQ(q[0].setting.qkv_dim, 256);
  EXPECT_EQ(q[0].setting.source_length, base.source_length);
  test::expect_error([&] { prediction_queries({}, {(root_ / "nomodel").string()}, base, {}); },
                     {"nomodel"});
}

TEST_F(PredictCommands, APredictionLineHasTheSplitWhereTheKindGivesIt) {
  LatencyPredictor p;
  p.kind = "ops";
  p.device = "rpi4";
  p.ops = test_data::known_ops();
  uint64_t seed = 9;
  PredictionQuery q{"a.yml", test_data::random_arch(seed), p.setting};
  const LatencyPrediction r = p.predict(summarize_arch(q.arch, q.setting));
  std::ostringstream out, warnings;
  print_prediction(out, warnings, p, q);
  EXPECT_EQ(out.str(), str("a.yml: ", format("%.2f", r.total_ms), " ms (encoder ",
                           format("%.2f", r.encoder_ms), ", decoder ", format("%.2f", r.decoder_ms),
                           ") [ops, rpi4]\n"));
  // Another vocabulary than the predictor's data: said on the warnings stream, with the name.
  q.setting.vocab_size = p.setting.vocab_size / 2;
  std::ostringstream out2, warnings2;
  print_prediction(out2, warnings2, p, q);
  EXPECT_EQ(warnings2.str().rfind("hatpredict: warning: a.yml: ", 0), 0u) << warnings2.str();
}

TEST_F(PredictCommands, KernelFilesGivenAreAveragedAndAProfilesOwnOnlyOnItsCpu) {
  PredictorData data = test_data::synthetic_data(3, 1, false);
  const std::string a = kernels("a.json", "test machine", 1),
                    b = kernels("b.json", "test machine", 1);
  std::ostringstream out;
  attach_kernels(out, data, {a, b}, nullptr);
  ASSERT_TRUE(data.kernels);
  EXPECT_EQ(out.str(),
            "synthetic: decoder steps priced by 2 kernel benchmarks (averaged) (test "
            "machine, 1 thread)\n");
  // No files and no profile: nothing.
  PredictorData bare = test_data::synthetic_data(3, 1, false);
  std::ostringstream quiet;
  attach_kernels(quiet, bare, {}, nullptr);
  EXPECT_FALSE(bare.kernels);
  EXPECT_EQ(quiet.str(), "");
  // A profile's file measured on another CPU is not used, and that is said.
  DeviceProfile profile;
  profile.kernels_file = kernels("other.json", "Some Other CPU (4 cores available)", 4);
  std::ostringstream told;
  attach_kernels(told, bare, {}, &profile);
  EXPECT_FALSE(bare.kernels);
  EXPECT_NE(told.str().find("not of this machine"), std::string::npos) << told.str();
  // ... one of this machine's is.
  profile.kernels_file = kernels("mine.json", cpu_description(), 2);
  std::ostringstream used;
  attach_kernels(used, bare, {}, &profile);
  ASSERT_TRUE(bare.kernels);
  EXPECT_NE(used.str().find("2 threads, the device profile's (--kernels none: without)"),
            std::string::npos)
      << used.str();
}

}  // namespace
}  // namespace hat::latency
