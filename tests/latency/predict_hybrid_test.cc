// The hybrid kind's point estimate on data with measurement outliers: typical leaves them out,
// mean adds their expected share, relative takes the closed-form least mean squared relative
// error over every row; on clean data the three agree. An ensemble residual is its nets' mean.
#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "devices/error.h"
#include "latency/predict/training.h"
#include "tests/latency/predict_test_data.h"

namespace hat::latency {
namespace {

std::vector<size_t> all_rows(const PredictorData& data) {
  std::vector<size_t> rows(data.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  return rows;
}

LatencyPredictor train_hybrid(const PredictorData& data, LatencyEstimate estimate) {
  TrainOptions o;
  o.estimate = estimate;
  o.residual_steps = 300;
  return train_predictor("hybrid", data, all_rows(data), {}, o);
}

TEST(PredictHybrid, EstimatesTheTypicalTheRelativeOptimumOrTheMean) {
  constexpr double kFactor = 8;  // every 10th row's encoder timing disturbed
  PredictorData data = test_data::synthetic_data(400, 11, true);
  std::vector<double> typical_total;
  for (size_t i = 0; i < data.rows.size(); ++i) {
    typical_total.push_back(data.rows[i].total_ms());
    if (i % 10 == 0) data.rows[i].encoder_ms *= kFactor;
  }
  // The closed form from the true typical totals t_i and the measured y_i.
  double sum_ratio = 0, sum_ratio_sq = 0, mean_excess = 0;
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const double r = typical_total[i] / data.rows[i].total_ms();
    sum_ratio += r;
    sum_ratio_sq += r * r;
    if (i % 10 == 0) mean_excess += kFactor - 1;
  }
  const double c = sum_ratio / sum_ratio_sq;
  mean_excess /= static_cast<double>(data.rows.size());
  ASSERT_GT(c, 1.01)
      << "the outliers must move the relative optimum for this test to mean anything";

  const LatencyPredictor typical = train_hybrid(data, LatencyEstimate::kTypical);
  const LatencyPredictor relative = train_hybrid(data, LatencyEstimate::kRelative);
  const LatencyPredictor mean = train_hybrid(data, LatencyEstimate::kMean);
  EXPECT_EQ(typical.outlier_excess[0], 0);
  EXPECT_NEAR(relative.outlier_excess[0], c - 1, 0.1 * (c - 1));
  EXPECT_EQ(relative.outlier_excess[0], relative.outlier_excess[1]);
  EXPECT_NEAR(mean.outlier_excess[0], mean_excess, 0.02 * mean_excess);
  EXPECT_NEAR(mean.outlier_excess[1], 0, 0.01);

  const PredictorData clean = test_data::synthetic_data(50, 12, true);
  for (const PredictorRow& r : clean.rows) {
    const double t = typical.predict(r.arch).total_ms;
    EXPECT_NEAR(t, r.total_ms(), 0.02 * r.total_ms());
    EXPECT_NEAR(relative.predict(r.arch).total_ms, c * t, 0.01 * t);
    EXPECT_GT(mean.predict(r.arch).encoder_ms, typical.predict(r.arch).encoder_ms * 1.3);
  }
}

TEST(PredictHybrid, MostlyOutliersIsAnErrorThatSaysWhatToDo) {
  // What a machine busy with other work gives: timings scattered over seven speeds 4.5x apart,
  // so that no factor-2 band around any model holds the 10 rows (of 60) the residual needs.
  PredictorData data = test_data::synthetic_data(60, 14, true);
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const double factor = std::pow(4.5, static_cast<double>(i % 7) - 3);
    data.rows[i].encoder_ms *= factor;
    data.rows[i].decoder_ms *= factor;
  }
  try {
    train_hybrid(data, LatencyEstimate::kTypical);
    FAIL() << "trained on mostly outliers";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const char* part : {"of 60 training rows", "too noisy", "profile again", "--kind mlp"})
      EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

TEST(PredictHybrid, WithoutOutliersTheEstimatesAgree) {
  const PredictorData data = test_data::synthetic_data(300, 13, true, test_data::known_ops(), 0.02);
  const LatencyPredictor typical = train_hybrid(data, LatencyEstimate::kTypical);
  const LatencyPredictor relative = train_hybrid(data, LatencyEstimate::kRelative);
  const LatencyPredictor mean = train_hybrid(data, LatencyEstimate::kMean);
  EXPECT_EQ(relative.outlier_excess[0], 0);
  EXPECT_EQ(mean.outlier_excess[0], 0);
  EXPECT_EQ(mean.outlier_excess[1], 0);
  for (const PredictorRow& r : data.rows)
    EXPECT_NEAR(relative.predict(r.arch).total_ms, typical.predict(r.arch).total_ms,
                1e-3 * r.total_ms());
}

TEST(PredictHybrid, TheResidualIsTheMeanOfItsEnsemble) {
  // Something for the residual to learn, so it is not dropped as noise.
  const PredictorData data =
      test_data::with_unmodelled_structure(test_data::synthetic_data(300, 14, false));
  const DataSplit split = split_rows(data.rows.size(), 0);
  TrainOptions o;
  o.residual_steps = 300;
  o.residual_members = 3;
  const LatencyPredictor ensemble = train_predictor("hybrid", data, split.train, split.valid, o);
  ASSERT_EQ(ensemble.residual.size(), 3u);
  o.residual_members = 1;
  const LatencyPredictor single = train_predictor("hybrid", data, split.train, split.valid, o);
  // Member 0 is the single net (same seed); the others start elsewhere.
  EXPECT_EQ(ensemble.residual[0].weights, single.residual[0].weights);
  EXPECT_NE(ensemble.residual[1].weights, ensemble.residual[0].weights);
  EXPECT_NE(ensemble.residual[2].weights, ensemble.residual[1].weights);

  std::vector<float> x, scratch(2 * 128), out(2);
  for (const PredictorRow& r : data.rows) {
    x.clear();
    for (int i = 0; i < kHatFeatureCount; ++i)
      x.push_back(static_cast<float>(r.arch.features[i] / kHatFeatureScale[i]));
    const std::array<double, 2> got = ensemble.residual_log_ratio(x.data());
    for (int s = 0; s < 2; ++s) {
      double mean = 0;
      for (const MlpWeights& net : ensemble.residual) {
        mlp_forward(net, x.data(), out.data(), scratch.data());
        mean += out[s] / 3.0;
      }
      const double expected = std::clamp(ensemble.residual_scale[s] * mean,
                                         ensemble.residual_min[s], ensemble.residual_max[s]);
      EXPECT_NEAR(got[s], expected, 1e-6);
    }
    const OpsDecomposition d = ensemble.ops.terms(r.arch);
    const LatencyPrediction p = ensemble.predict(r.arch);
    EXPECT_NEAR(p.encoder_ms,
                ensemble.ops.encoder_ms(d) * std::exp(got[0]) * (1 + ensemble.outlier_excess[0]),
                1e-9 * p.encoder_ms);
  }
}

TEST(PredictHybrid, EstimateNamesParse) {
  EXPECT_EQ(parse_latency_estimate("typical"), LatencyEstimate::kTypical);
  EXPECT_EQ(parse_latency_estimate("relative"), LatencyEstimate::kRelative);
  EXPECT_EQ(parse_latency_estimate("mean"), LatencyEstimate::kMean);
  EXPECT_THROW(parse_latency_estimate("median"), Error);
}

}  // namespace
}  // namespace hat::latency
