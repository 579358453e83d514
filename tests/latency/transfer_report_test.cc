// What hatpredict transfer reports next to a transfer's MAPE: each side's lean and the target's
// cross-validated floor.
#include <cmath>

#include <gtest/gtest.h>

#include "latency/predict/evaluation.h"
#include "latency/predict/transfer_report.h"
#include "tests/latency/predict_test_data.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

LatencyPredictor known_ops_predictor() {
  LatencyPredictor p;
  p.kind = "ops";
  p.ops = test_data::known_ops();
  return p;
}

TEST(TransferReport, SideLeanIsEachSidesMedianOfPredictedOverMeasured) {
  const LatencyPredictor p = known_ops_predictor();
  PredictorData data = test_data::synthetic_data(5, 1, true);
  // Measured = predicted / ratio, so predicted / measured is the ratio itself.
  const double encoder_ratio[] = {1, 3, 1, 1, 0.9}, decoder_ratio[] = {0.5, 1, 2, 4, 8};
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const LatencyPrediction q = p.predict(data.rows[i].arch);
    data.rows[i].encoder_ms = q.encoder_ms / encoder_ratio[i];
    data.rows[i].decoder_ms = q.decoder_ms / decoder_ratio[i];
  }
  const SideLean lean = median_side_lean(p, data, every_row(data));
  EXPECT_NEAR(lean.encoder, 1.0, 1e-12);
  EXPECT_NEAR(lean.decoder, 2.0, 1e-12);
  // Rows with a side not measured leave that side's median.
  data.rows[0].decoder_ms = 0;  // ratios left: 1, 2, 4, 8
  EXPECT_NEAR(median_side_lean(p, data, every_row(data)).decoder, 3.0, 1e-12);
}

TEST(TransferReport, SideLeanIsUndefinedForAKindWithoutTheSplit) {
  const PredictorData data = test_data::synthetic_data(40, 2, true);
  TrainOptions o;
  o.mlp_steps = 5;
  const LatencyPredictor mlp = train_predictor("mlp", data, every_row(data), {}, o);
  const SideLean lean = median_side_lean(mlp, data, every_row(data));
  EXPECT_TRUE(std::isnan(lean.encoder));
  EXPECT_TRUE(std::isnan(lean.decoder));
}

TEST(TransferReport, CrossValidationFloorIsZeroOnExactDataAndTheNoiseOnNoisyData) {
  const PredictorData exact = test_data::synthetic_data(100, 3, true);
  EXPECT_LT(ops_cross_validation(exact, 5, 0).mape, 1e-6);
  // Each side off by a uniform factor in [0.9, 1.1]: the fits stay close to the truth, so the
  // out-of-fold error is about the noise's mean size (5% a side, a little less on the total).
  const PredictorData noisy =
      test_data::synthetic_data(200, 4, true, test_data::known_ops(), 0.1);
  const double mape = ops_cross_validation(noisy, 5, 0).mape;
  EXPECT_GT(mape, 0.02);
  EXPECT_LT(mape, 0.06);
}

TEST(TransferReport, CrossValidationSaysHowManyRowsItNeeds) {
  // 5 folds leave 4/5 of the rows to each fit, which needs kMinOpsRows (8): 10 rows.
  EXPECT_NO_THROW(ops_cross_validation(test_data::synthetic_data(10, 5, true), 5, 0));
  test::expect_error([] { ops_cross_validation(test_data::synthetic_data(9, 5, true), 5, 0); },
                     {"needs at least 10 rows", "synthetic has 9"});
  test::expect_error([] { ops_cross_validation(test_data::synthetic_data(50, 5, true), 1, 0); },
                     {"at least 2 folds"});
}

}  // namespace
}  // namespace hat::latency
