// The operator model: its decomposition, the robust non-negative fit, recovery of known
// coefficients, and transfer to settings the fit never saw.
#include <cmath>

#include <gtest/gtest.h>

#include "latency/predict/robust_fit.h"
#include "latency/predict/training.h"
#include "tests/latency/predict_test_data.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

TEST(PredictOps, TermsCountTheProtocolsCalls) {
  // One encoder layer and one decoder layer, every dim tiny enough to count by hand.
  arch::ArchConfig a;
  a.encoder_embed_dim = 4, a.decoder_embed_dim = 4, a.encoder_layers = 1, a.decoder_layers = 1;
  a.encoder_ffn_dims = {8}, a.encoder_self_heads = {2};
  a.decoder_ffn_dims = {8}, a.decoder_self_heads = {2}, a.decoder_ende_heads = {1};
  a.decoder_ende_layers = {1};
  InferenceSetting s;
  s.vocab_size = 10, s.source_length = 3, s.beam = 2, s.qkv_dim = 4;
  const OpsDecomposition t = ops_terms(summarize_arch(a, s));
  // Encoder GEMMs on 3 rows: 4x12, 4x4, 4x8, 8x4 -> weights 48+16+32+32, flops 2 x 3 x 128.
  EXPECT_DOUBLE_EQ(t.encoder[1], 128);
  EXPECT_DOUBLE_EQ(t.encoder[0], 2 * 3 * 128);
  EXPECT_DOUBLE_EQ(t.encoder[2], 4);
  EXPECT_DOUBLE_EQ(t.encoder[3], 4 * 3 * 3 * 4);  // attention: 4 x L x L x Q
  EXPECT_DOUBLE_EQ(t.encoder[5], 2 * 3 * 3);      // softmax: heads x L x L
  // Decoder: k|v of 3 encoder positions (4x8 weights, once), then 3 steps of 2 rows through
  // 6 x 4 x 4 projection weights, 2 x 4 x 8 FFN weights and the 4 x 10 output projection.
  EXPECT_DOUBLE_EQ(t.decoder[1], 32 + 3 * (96 + 64 + 40));
  EXPECT_DOUBLE_EQ(t.decoder[0], 2 * 3 * 32 + 3 * 2 * 2 * (96 + 64 + 40));
  EXPECT_DOUBLE_EQ(t.decoder[2], 1 + 3 * 8);
  // Self-attention over 1 + 2 + 3 cached positions, cross over 3: 4 x B x Q x (6 + 3 x 3).
  EXPECT_DOUBLE_EQ(t.decoder[3], 4 * 2 * 4 * (6 + 9));
  EXPECT_DOUBLE_EQ(t.decoder[8], 3);
  EXPECT_DOUBLE_EQ(t.decoder[9], 1);
  EXPECT_DOUBLE_EQ(t.encoder[9], 0);
}

TEST(PredictOps, NnlsSolvesSmallSystemsWithTheBoundActive) {
  // min |x - (1, -2)|^2 over x >= 0 -> (1, 0).
  const std::vector<double> c = nnls_normal_equations({1, 0, 0, 1}, {1, -2}, 2);
  EXPECT_NEAR(c[0], 1, 1e-12);
  EXPECT_EQ(c[1], 0);
  // Coupled: G = [[2, 1], [1, 2]], b = [3, 3] -> (1, 1) interior.
  const std::vector<double> d = nnls_normal_equations({2, 1, 1, 2}, {3, 3}, 2);
  EXPECT_NEAR(d[0], 1, 1e-12);
  EXPECT_NEAR(d[1], 1, 1e-12);
}

TEST(PredictOps, FitRecoversKnownCoefficients) {
  const PredictorData data = test_data::synthetic_data(300, 1, true);
  std::vector<size_t> rows(data.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const OpsModel fit = fit_ops(data, rows);
  const OpsModel truth = test_data::known_ops();
  for (int i = 0; i < kOpsTermCount; ++i)
    EXPECT_NEAR(fit.coefficients[i], truth.coefficients[i], 1e-4 * truth.coefficients[i])
        << kOpsTermNames[i];
}

TEST(PredictOps, HuberFitIgnoresOutlierRows) {
  PredictorData data = test_data::synthetic_data(300, 2, true);
  for (size_t i = 0; i < data.rows.size(); i += 10) data.rows[i].encoder_ms *= 8;  // 10% outliers
  std::vector<size_t> rows(data.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const OpsModel fit = fit_ops(data, rows);
  const PredictorData clean = test_data::synthetic_data(100, 3, true);
  for (const PredictorRow& r : clean.rows) {
    const OpsDecomposition t = ops_terms(r.arch);
    EXPECT_NEAR(fit.encoder_ms(t), r.encoder_ms, 0.01 * r.encoder_ms);
    EXPECT_NEAR(fit.decoder_ms(t), r.decoder_ms, 0.01 * r.decoder_ms);
  }
  const std::vector<bool> flags = flag_outliers(data, fit, 2.0);
  for (size_t i = 0; i < flags.size(); ++i) EXPECT_EQ(flags[i], i % 10 == 0) << i;
}

TEST(PredictOps, FitAtOneBeamAndVocabularyPredictsAnother) {
  // Only beam 5 / vocabulary 32768 rows to fit: the coefficients are shared by encoder (L rows)
  // and decoder (beam rows) GEMMs, so beam 1 and another vocabulary follow.
  PredictorData fit_data = test_data::synthetic_data(300, 4, false, test_data::known_ops(), 0.01);
  std::vector<size_t> rows(fit_data.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  TrainOptions o;
  const LatencyPredictor p = train_predictor("ops", fit_data, rows, {}, o);
  const PredictorData other = test_data::synthetic_data(100, 5, true);
  double worst = 0;
  for (const PredictorRow& r : other.rows)
    worst = std::max(worst, std::abs(p.predict(r.arch).total_ms / r.total_ms() - 1));
  EXPECT_LT(worst, 0.1);
}

}  // namespace
}  // namespace hat::latency
