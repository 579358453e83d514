// `hatpredict --data FILE`: a hatprofile dataset is read with each row's recorded setting and
// exact architecture, a HAT CSV at the setting given; the two are told apart by content. A
// sample timed with a reference is brought to its run's typical machine speed.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "latency/predict/training_rows.h"
#include "latency/predict/device_data.h"
#include "tests/latency/dataset_test_util.h"

namespace hat::latency {
namespace {

using PredictData = test::DatasetTest;

TEST_F(PredictData, ADatasetFileGivesItsRowsAtTheirRecordedSetting) {
  const auto path = root_ / "named-like-a.csv";  // the name does not decide the format
  {
    LatencyDataset dataset(path);
    dataset.put_device({"host", "", "cpu", 1});
    for (uint64_t i = 0; i < 4; ++i) {
      Measurement m = test::synthetic_measurement("host", i);
      m.vocabulary_size = 8000;
      m.qkv_dim = 256;
      m.beam = 2;
      m.run_key = std::string("r");  // not a const char*: GCC 12 -Wrestrict false positive
      m.sample_index = static_cast<int64_t>(i);
      ASSERT_TRUE(dataset.add_measurement(m));
    }
  }
  const PredictorData d = load_data_file(path, InferenceSetting{});
  ASSERT_EQ(d.rows.size(), 4u);
  EXPECT_EQ(d.setting.vocab_size, 8000);
  EXPECT_EQ(d.setting.qkv_dim, 256);
  EXPECT_EQ(d.setting.beam, 2);
  EXPECT_EQ(d.setting.source_length, 30);
  const Measurement first = test::synthetic_measurement("host", 0);
  EXPECT_DOUBLE_EQ(d.rows[0].encoder_ms, first.encoder.mean_ms);
  EXPECT_DOUBLE_EQ(d.rows[0].arch.encoder_ffn_sum, [&] {
    double sum = 0;
    for (int64_t f : first.arch->encoder_ffn_dims) sum += static_cast<double>(f);
    return sum;
  }());
}

TEST(PredictSpeedNormalisation, ASampleIsScaledByItsRunsTypicalOverItsReferenceSpeed) {
  // Run K: five samples of 1 + 9 ms, each timed after a reference of 10, 10, 20, 10, 5 ms (the
  // machine twice as slow for sample 2, twice as fast for sample 4); run L has no reference.
  const double reference_totals[] = {10, 10, 20, 10, 5};
  std::vector<Measurement> rows;
  for (int64_t i = 0; i < 5; ++i) {
    Measurement sample = test::synthetic_measurement("host", static_cast<uint64_t>(i));
    sample.encoder.mean_ms = 1;
    sample.decoder.mean_ms = 9;
    sample.run_key = std::string("K");
    sample.sample_index = i;
    Measurement reference = sample;
    reference.run_key = std::string("K") + kReferenceRunSuffix;
    reference.encoder.mean_ms = 0.1 * reference_totals[i];
    reference.decoder.mean_ms = 0.9 * reference_totals[i];
    rows.push_back(reference);
    rows.push_back(sample);
  }
  Measurement other = test::synthetic_measurement("host", 9);
  other.run_key = "L";
  other.sample_index = 2;
  rows.push_back(other);

  const PredictorData d = training_rows_from_measurements(rows, InferenceSetting{}, "test");
  ASSERT_EQ(d.rows.size(), 6u) << "references are not training rows";
  const double expected_factor[] = {1, 1, 0.5, 1, 2};  // median 10 / reference
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(d.rows[i].encoder_ms, 1 * expected_factor[i]) << i;
    EXPECT_DOUBLE_EQ(d.rows[i].decoder_ms, 9 * expected_factor[i]) << i;
  }
  EXPECT_DOUBLE_EQ(d.rows[5].encoder_ms, other.encoder.mean_ms);
  EXPECT_EQ(d.speed_normalised_rows, 2u);
  EXPECT_DOUBLE_EQ(d.speed_factor_min, 0.5);
  EXPECT_DOUBLE_EQ(d.speed_factor_max, 2);
}

// hatprofile run --passes: sample i of passes 1, 2, 3 (runs K, K/pass 2, K/pass 3) is one
// architecture; each timing is scaled by its reference to the typical speed of all three passes,
// then the row is their median.
TEST(PredictRepeats, RepeatsOfAnArchitectureAreOneRowAtTheirMedian) {
  std::vector<Measurement> rows;
  const auto add = [&](const std::string& run, int64_t i, double total, double reference_total) {
    Measurement sample = test::synthetic_measurement("host", static_cast<uint64_t>(i));
    sample.encoder.mean_ms = 0.1 * total;
    sample.decoder.mean_ms = 0.9 * total;
    sample.run_key = run;
    sample.sample_index = i;
    Measurement reference = sample;
    reference.run_key = run + kReferenceRunSuffix;
    reference.encoder.mean_ms = 0;
    reference.decoder.mean_ms = reference_total;
    rows.push_back(reference);
    rows.push_back(sample);
  };
  // The references of the three passes: 10 10 20, 20 20 20, 10 10 10; median 10. Pass 2 ran
  // on a machine twice as slow throughout: its own median (20) would leave it unscaled.
  add("K", 0, 20, 10);
  add("K", 1, 30, 10);
  add("K", 2, 80, 20);
  add("K/pass 2", 0, 44, 20);
  add("K/pass 2", 1, 64, 20);
  add("K/pass 2", 2, 84, 20);
  add("K/pass 3", 0, 21, 10);
  add("K/pass 3", 1, 31, 10);
  add("K/pass 3", 2, 41, 10);
  // Sample 0 timed a fourth time in another run (merged from another file): 26 ms.
  add("M", 0, 26, 7);
  const PredictorData d = training_rows_from_measurements(rows, InferenceSetting{}, "test");
  ASSERT_EQ(d.rows.size(), 3u) << "one row per architecture";
  EXPECT_EQ(d.merged_repeats, 7u);
  // Scaled totals: sample 0: 20, 22, 21, 26 -> 21.5 (a median of four: the middle two's mean);
  // sample 1: 30, 32, 31 -> 31; sample 2: 40, 42, 41 -> 41.
  EXPECT_DOUBLE_EQ(d.rows[0].total_ms(), 21.5);
  EXPECT_DOUBLE_EQ(d.rows[1].total_ms(), 31);
  EXPECT_DOUBLE_EQ(d.rows[2].total_ms(), 41);
  EXPECT_DOUBLE_EQ(d.rows[2].encoder_ms, 4.1);
  EXPECT_EQ(pass_base_run_key("K/pass 12"), "K");
  EXPECT_EQ(pass_base_run_key("K/pass 2/reference"), "K");
  EXPECT_EQ(pass_base_run_key("K/reference"), "K");
  EXPECT_EQ(pass_base_run_key("K/pass x"), "K/pass x");

  // Not repeats: another thread count, another mode, or rows without an architecture (HAT's
  // averaged features do not name one).
  std::vector<Measurement> distinct(2, test::synthetic_measurement("host", 0));
  distinct[1].threads = 2;
  distinct.push_back(distinct[0]);
  distinct.back().mode = "translate";
  for (int k = 0; k < 2; ++k) {
    distinct.push_back(distinct[0]);
    distinct.back().arch.reset();
  }
  const PredictorData e = training_rows_from_measurements(distinct, InferenceSetting{}, "test");
  EXPECT_EQ(e.rows.size(), 5u);
  EXPECT_EQ(e.merged_repeats, 0u);
}

TEST_F(PredictData, ACsvFileIsReadAtTheGivenSettingAndAMissingFileIsNamed) {
  const auto path = root_ / "hat.csv";
  std::ofstream(path) << (
                        "encoder_embed_dim,encoder_layer_num,encoder_ffn_embed_dim_avg,"
                        "encoder_self_attention_heads_avg,decoder_embed_dim,decoder_layer_num,"
                        "decoder_ffn_embed_dim_avg,decoder_self_attention_heads_avg,"
                        "decoder_ende_attention_heads_avg,decoder_arbitrary_ende_attn_avg,"
                        "latency_mean_encoder,latency_mean_decoder,latency_std_encoder,"
                        "latency_std_decoder\n"
                        "512,6,1024,4,512,2,2048,4,4,2,200,3000,1,2\n");
  InferenceSetting setting;
  setting.vocab_size = 16000;
  const PredictorData d = load_data_file(path, setting);
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.setting.vocab_size, 16000);
  EXPECT_DOUBLE_EQ(d.rows[0].decoder_ms, 3000);
  hat::test::expect_error([&] { load_data_file(root_ / "none.sqlite", setting); },
                          {"none.sqlite", "no such file"});
}

}  // namespace
}  // namespace hat::latency
