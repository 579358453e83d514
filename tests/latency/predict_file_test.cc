// Predictor files: a save/load round trip predicts bit for bit the same; malformed files, another
// device's file and out-of-range configurations are reported clearly.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "devices/threads.h"
#include "latency/predict/predictor_file.h"
#include "latency/predict/training.h"
#include "tests/latency/predict_test_data.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

class PredictFileTest : public test::TempDirectoryTest {
 protected:
  void SetUp() override {
    TempDirectoryTest::SetUp();
    std::filesystem::create_directories(root_);
    set_num_threads(1);  // tiny matrices: one thread is fastest and not disturbed by others
  }
  // With residual_members > 1, on data whose residual is not noise (else it is dropped to one).
  static LatencyPredictor train(const std::string& kind, int residual_members = 1) {
    const PredictorData noisy = test_data::synthetic_data(80, 11, false, test_data::known_ops(), 0.02);
    const PredictorData data =
        residual_members > 1 ? test_data::with_unmodelled_structure(noisy) : noisy;
    const DataSplit split = split_rows(data.rows.size(), 0);
    TrainOptions o;
    o.device = "testdev";
    o.mlp_steps = 20;  // speed only: the file must round-trip whatever the weights are
    o.residual_steps = 50;
    o.residual_members = residual_members;
    return train_predictor(kind, data, split.train, split.valid, o);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }
};

TEST_F(PredictFileTest, RoundTripPredictsIdentically) {
  const PredictorData probe = test_data::synthetic_data(50, 12, true);
  for (const std::string kind : {"mlp", "ops", "hybrid"}) {
    const LatencyPredictor p = train(kind);
    save_predictor(root_ / (kind + ".predictor"), p);
    const LatencyPredictor q = load_predictor(root_ / (kind + ".predictor"), "testdev");
    EXPECT_EQ(q.kind, kind);
    EXPECT_EQ(q.device, "testdev");
    EXPECT_EQ(q.setting, p.setting);
    for (const PredictorRow& r : probe.rows) {
      const LatencyPrediction a = p.predict(r.arch), b = q.predict(r.arch);
      EXPECT_EQ(a.total_ms, b.total_ms) << kind;
      EXPECT_EQ(a.encoder_ms, b.encoder_ms) << kind;
      EXPECT_EQ(a.decoder_ms, b.decoder_ms) << kind;
      if (kind != "mlp") {
        EXPECT_GT(a.total_ms, 0) << kind;  // mlp: barely trained here
      }
    }
    // Saving what was loaded gives the same bytes.
    EXPECT_EQ(predictor_to_json(q), predictor_to_json(p)) << kind;
  }
}

TEST_F(PredictFileTest, AnEnsembleRoundTripsAndAnOlderSingleNetFileLoads) {
  const PredictorData probe = test_data::synthetic_data(50, 12, true);
  const LatencyPredictor ensemble = train("hybrid", 3);
  ASSERT_EQ(ensemble.residual.size(), 3u);
  save_predictor(root_ / "ensemble.predictor", ensemble);
  const LatencyPredictor loaded = load_predictor(root_ / "ensemble.predictor");
  ASSERT_EQ(loaded.residual.size(), 3u);
  for (const PredictorRow& r : probe.rows)
    EXPECT_EQ(loaded.predict(r.arch).total_ms, ensemble.predict(r.arch).total_ms);

  // The layout before the ensemble: the one net's sizes and layers directly under "residual".
  const LatencyPredictor single = train("hybrid");
  nlohmann::json old = nlohmann::json::parse(predictor_to_json(single));
  nlohmann::json& residual = old["residual"];
  ASSERT_EQ(residual["members"].size(), 1u);
  residual["sizes"] = residual["members"][0]["sizes"];
  residual["layers"] = residual["members"][0]["layers"];
  residual.erase("members");
  write("old.predictor", old.dump());
  const LatencyPredictor from_old = load_predictor(root_ / "old.predictor");
  ASSERT_EQ(from_old.residual.size(), 1u);
  for (const PredictorRow& r : probe.rows)
    EXPECT_EQ(from_old.predict(r.arch).total_ms, single.predict(r.arch).total_ms);

  residual["members"] = nlohmann::json::array();
  write("empty.predictor", old.dump());
  test::expect_error([&] { load_predictor(root_ / "empty.predictor"); },
                     {"residual.members", "non-empty array"});
}

TEST_F(PredictFileTest, MalformedFilesAreNamedErrors) {
  const std::string good = predictor_to_json(train("hybrid"));
  write("a", "{not json");
  test::expect_error([&] { load_predictor(root_ / "a"); }, {"a", "invalid JSON"});
  write("b", "{\"format\": \"something-else\"}");
  test::expect_error([&] { load_predictor(root_ / "b"); }, {"not a predictor file"});
  std::string no_ops = good;
  no_ops.replace(no_ops.find("\"ops\""), 5, "\"opx\"");
  write("c", no_ops);
  test::expect_error([&] { load_predictor(root_ / "c"); }, {"missing field 'ops'"});
  std::string bad_b64 = good;
  const size_t w = bad_b64.find("\"weight\": \"") + 11;
  bad_b64.replace(w, 4, "!!!!");
  write("d", bad_b64);
  test::expect_error([&] { load_predictor(root_ / "d"); }, {"residual.members[0].layers[0].weight", "base64"});
  std::string short_layer = good;
  const size_t b = short_layer.find("\"bias\": \"") + 9;
  short_layer.erase(b, 16);  // 12 bytes: three float32 fewer
  write("e", short_layer);
  test::expect_error([&] { load_predictor(root_ / "e"); }, {"layer 0 bias"});
  write("f", good);
  test::expect_error([&] { load_predictor(root_ / "f", "rpi4"); }, {"device 'testdev'", "not 'rpi4'"});
  test::expect_error([&] { load_predictor(root_ / "missing"); }, {"cannot read predictor file"});
}

TEST_F(PredictFileTest, WarnsOutsideTheTrainingRange) {
  const LatencyPredictor p = train("hybrid");
  uint64_t seed = 5;
  ArchSummary inside = summarize_arch(test_data::random_arch(seed), p.setting);
  for (int i = 0; i < kHatFeatureCount; ++i)
    inside.features[i] = 0.5 * (p.feature_min[i] + p.feature_max[i]);
  EXPECT_TRUE(p.warnings(inside).empty());
  ArchSummary wide = inside;
  wide.features[2] = p.feature_max[2] + 1024;  // encoder FFN beyond any training row
  const auto w = p.warnings(wide);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("encoder_ffn_embed_dim_avg"), std::string::npos);
  ArchSummary beam1 = inside;
  beam1.setting.beam = 1;
  ASSERT_EQ(p.warnings(beam1).size(), 1u);
  EXPECT_NE(p.warnings(beam1)[0].find("beam 1"), std::string::npos);
}

TEST(PredictTraining, RefusesTooFewRowsAndUnknownKinds) {
  const PredictorData data = test_data::synthetic_data(15, 1, false);
  std::vector<size_t> rows(15);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  test::expect_error([&] { train_predictor("hybrid", data, rows, {}, {}); },
                     {"'hybrid' predictor needs at least 20 training rows", "gives 15"});
  const std::vector<size_t> five(rows.begin(), rows.begin() + 5);
  test::expect_error([&] { train_predictor("ops", data, five, {}, {}); },
                     {"'ops' predictor needs at least 8 training rows", "gives 5"});
  EXPECT_NO_THROW(train_predictor("ops", data, rows, {}, {}));
  test::expect_error([&] { train_predictor("forest", data, rows, {}, {}); },
                     {"unknown predictor kind 'forest'", "mlp, ops, hybrid"});
}

TEST(PredictTraining, SplitIsSeededAndDisjoint) {
  const DataSplit a = split_rows(1000, 0), b = split_rows(1000, 0), c = split_rows(1000, 1);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
  EXPECT_EQ(a.train.size(), 800u);
  EXPECT_EQ(a.valid.size(), 100u);
  EXPECT_EQ(a.test.size(), 100u);
  std::vector<bool> seen(1000, false);
  for (const auto* part : {&a.train, &a.valid, &a.test})
    for (size_t i : *part) {
      EXPECT_FALSE(seen[i]);
      seen[i] = true;
    }
}

}  // namespace
}  // namespace hat::latency
