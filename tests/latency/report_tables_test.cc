// The tables hatpredict and hatprofile print (latency/report/), on inputs whose every figure is
// known: column widths, rounding, and which lines appear when.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "latency/predict/published.h"
#include "latency/report/dataset_stats_table.h"
#include "latency/report/evaluation_report.h"
#include "latency/report/format.h"
#include "latency/report/metrics_table.h"
#include "latency/report/predictions_csv.h"
#include "latency/report/published_table.h"
#include "latency/report/transfer_table.h"
#include "tests/latency/predict_test_data.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

PredictionMetrics metrics(double rmse, double mape, double within5, double within10, double tau,
                          double rho) {
  PredictionMetrics m;
  m.count = 10;
  m.rmse_ms = rmse;
  m.mape = mape;
  m.within5 = within5;
  m.within10 = within10;
  m.kendall_tau = tau;
  m.spearman_rho = rho;
  return m;
}

// An ops predictor that prices every side exactly as the synthetic rows were timed.
LatencyPredictor exact_ops() {
  LatencyPredictor p;
  p.kind = "ops";
  p.ops = test_data::known_ops();
  return p;
}

KindEvaluation kind(const std::string& name, const PredictionMetrics& all,
                    const PredictionMetrics& clean) {
  KindEvaluation k;
  k.kind = name;
  k.all = all;
  k.clean = clean;
  return k;
}

class ReportFiles : public test::TempDirectoryTest {
 protected:
  void SetUp() override {
    TempDirectoryTest::SetUp();
    std::filesystem::create_directories(root_);
  }
};

// An mlp whose net outputs 0.5 whatever the features: it predicts 0.5 x its scale, no split.
LatencyPredictor constant_mlp(double scale_ms) {
  LatencyPredictor p;
  p.kind = "mlp";
  p.mlp.sizes = {kHatFeatureCount, 1};
  p.mlp.weights = {std::vector<float>(kHatFeatureCount, 0.0f)};
  p.mlp.biases = {{0.5f}};
  p.target_scale_ms = scale_ms;
  return p;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ReportFormat, FormatsLikePrintfAndRoundsSharesHalfUp) {
  EXPECT_EQ(format("%-4s|%6.2f|%d", "ab", 3.14159, 42), "ab  |  3.14|42");
  EXPECT_EQ(format("%s", std::string(300, 'x').c_str()).size(), 300u);  // past any small buffer
  EXPECT_EQ(format("%s", ""), "");
  EXPECT_EQ(percent(0.1234), "12.3%");
  EXPECT_EQ(percent(0.1235), "12.4%");
  EXPECT_EQ(percent(0), "0%");
}

TEST(MetricsTable, PrintsFixedColumns) {
  std::ostringstream out;
  print_metrics_header(out);
  print_metrics_row(out, "ops", metrics(1.234, 0.0456, 0.5, 0.75, 0.81234, 0.9));
  print_metrics_row(out, "hybrid", metrics(123.456, 0.1, 1, 1, -0.5, 1));
  EXPECT_EQ(out.str(),
            "  kind        RMSE ms    MAPE    <=5%   <=10%     tau     rho\n"
            "  ops            1.23   4.56%   50.0%   75.0%  0.8123  0.9000\n"
            "  hybrid       123.46  10.00%  100.0%  100.0% -0.5000  1.0000\n");
}

TEST(MetricsTable, DescribesAComparisonMetricByMetric) {
  const PredictionMetrics base = metrics(2, 0.05, 0.5, 0.7, 0.8, 0.9);
  EXPECT_EQ(describe_comparison(metrics(1, 0.04, 0.6, 0.8, 0.9, 0.95), base),
            "better on every metric");
  EXPECT_EQ(describe_comparison(metrics(3, 0.04, 0.6, 0.8, 0.8, 0.95), base),
            "NOT better on every metric: worse on RMSE; tied on tau");
  EXPECT_EQ(describe_comparison(metrics(1, 0.06, 0.4, 0.8, 0.9, 0.95), base),
            "NOT better on every metric: worse on MAPE, <=5%");
  EXPECT_EQ(describe_comparison(base, base),
            "NOT better on every metric: tied on RMSE, MAPE, <=5%, <=10%, tau, rho");
}

TEST(EvaluationReport, PrintsBothTablesAndEachKindAgainstMlp) {
  Evaluation ev{
      .train_rows = 80, .valid_rows = 10, .test_rows = 10, .outliers = 3, .test_outliers = 1,
      .test = {}, .outlier = {},  // print_evaluation reads only the counts and the kinds
      .kinds = {kind("mlp", metrics(2, 0.05, 0.5, 0.7, 0.8, 0.9),
                     metrics(2, 0.05, 0.5, 0.7, 0.8, 0.9)),
                kind("ops", metrics(1, 0.04, 0.6, 0.8, 0.9, 0.95),
                     metrics(3, 0.04, 0.6, 0.8, 0.8, 0.95))}};
  std::ostringstream out;
  print_evaluation(out, "rpi4 (data.csv)", ev);
  EXPECT_EQ(out.str(),
            "rpi4 (data.csv): 100 rows: train 80, valid 10, test 10; 3 rows flagged as measurement "
            "outliers (1 in test)\n"
            " all 10 test rows:\n"
            "  kind        RMSE ms    MAPE    <=5%   <=10%     tau     rho\n"
            "  mlp            2.00   5.00%   50.0%   70.0%  0.8000  0.9000\n"
            "  ops            1.00   4.00%   60.0%   80.0%  0.9000  0.9500\n"
            " without the 1 outlier rows (9 test rows):\n"
            "  kind        RMSE ms    MAPE    <=5%   <=10%     tau     rho\n"
            "  mlp            2.00   5.00%   50.0%   70.0%  0.8000  0.9000\n"
            "  ops            3.00   4.00%   60.0%   80.0%  0.8000  0.9500\n"
            " ops against mlp: all rows better on every metric; without outliers NOT better on "
            "every metric: worse on RMSE; tied on tau\n");
  // Without mlp there is nothing to compare against.
  ev.kinds.erase(ev.kinds.begin());
  std::ostringstream alone;
  print_evaluation(alone, "x", ev);
  EXPECT_EQ(alone.str().find("against"), std::string::npos);
}

TEST(EvaluationReport, SplitsGiveMeansAndWinsOverMlp) {
  const auto split = [](double mlp_rmse, double ops_rmse, size_t outliers) {
    Evaluation ev;
    ev.test_outliers = outliers;
    const PredictionMetrics mlp = metrics(mlp_rmse, 0.05, 0.5, 0.7, 0.8, 0.9);
    const PredictionMetrics ops = metrics(ops_rmse, 0.04, 0.6, 0.8, 0.9, 0.95);
    ev.kinds = {kind("mlp", mlp, mlp), kind("ops", ops, ops)};
    return ev;
  };
  std::ostringstream out;
  print_splits(out, {split(2, 1, 0), split(2, 3, 0)}, 7);
  EXPECT_EQ(out.str(),
            " over 2 splits (seeds 7-8), each metric's mean:\n"
            " all test rows:\n"
            "  kind        RMSE ms    MAPE    <=5%   <=10%     tau     rho\n"
            "  mlp            2.00   5.00%   50.0%   70.0%  0.8000  0.9000\n"
            "  ops            2.00   4.00%   60.0%   80.0%  0.9000  0.9500\n"
            "  splits where ops beats mlp (of 2): RMSE 1, MAPE 2, <=5% 2, <=10% 2, tau 2, rho 2; "
            "on all six: 1\n");
  // With outliers in some split's test rows, the second table follows.
  std::ostringstream with_outliers;
  print_splits(with_outliers, {split(2, 1, 1), split(2, 2, 0)}, 0);
  const std::string text = with_outliers.str();
  EXPECT_NE(text.find(" without outlier rows:\n"), std::string::npos) << text;
  EXPECT_NE(text.find("RMSE 1 (1 tied)"), std::string::npos) << text;
}

TEST(EvaluationReport, ExtrapolationLinesAndDataPreparation) {
  ExtrapolationCase empty;
  empty.name = "embed 640 -> 512";
  ExtrapolationCase full;
  full.name = "decoder layers 1-3 -> 4-6";
  full.train_rows = 50;
  full.test_rows = 40;
  full.test_outliers = 2;
  full.kinds = {kind("ops", metrics(1, 0.1234, 0, 0, 0, 0), metrics(1, 0.05, 0, 0, 0, 0))};
  std::ostringstream out;
  print_extrapolation(out, {empty, full});
  EXPECT_EQ(out.str(),
            " extrapolation embed 640 -> 512: not enough rows\n"
            " extrapolation decoder layers 1-3 -> 4-6 (train 50 rows, test 40, 2 outliers):  ops "
            "MAPE 12.3% (5% without outliers)\n");

  PredictorData data = test_data::synthetic_data(4, 1, false);
  std::ostringstream quiet;
  print_data_preparation(quiet, data);
  EXPECT_EQ(quiet.str(), "");  // nothing was scaled or merged
  data.speed_normalised_rows = 3;
  data.speed_factor_min = 0.9;
  data.speed_factor_max = 1.25;
  data.merged_repeats = 2;
  std::ostringstream told;
  print_data_preparation(told, data);
  EXPECT_EQ(
      told.str(),
      "synthetic: 3 measurements scaled to their run's typical machine speed by the reference "
      "timed before each (factors 0.900-1.250)\n"
      "synthetic: 2 repeated measurements merged: each of the 4 rows is its architecture's "
      "median\n");
}

TEST_F(ReportFiles, PredictionsCsvHasOneLinePerRowWithEachKindsPrediction) {
  PredictorData data = test_data::synthetic_data(3, 2, false);
  data.rows[1].encoder_ms = 1.5;
  data.rows[1].decoder_ms = 2.25;
  KindEvaluation ops = kind("ops", {}, {});
  ops.predictor = exact_ops();
  KindEvaluation mlp = kind("mlp", {}, {});  // an mlp predicts the total only
  mlp.predictor = constant_mlp(2);
  const std::string csv = format_predictions_csv(data, {1, 2}, {false, true, false}, {ops, mlp});
  std::istringstream lines(csv);
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(header,
            "row,measured_encoder_ms,measured_decoder_ms,measured_ms,outlier,ops_ms,ops_encoder_ms,"
            "ops_decoder_ms,mlp_ms,mlp_encoder_ms,mlp_decoder_ms");
  const LatencyPrediction p = ops.predictor.predict(data.rows[1].arch);
  EXPECT_EQ(first.rfind("1,1.5000,2.2500,3.7500,1,", 0), 0u) << first;  // row 1 is an outlier
  EXPECT_NE(first.find(format(",%.4f,%.4f,%.4f,", p.total_ms, p.encoder_ms, p.decoder_ms)),
            std::string::npos)
      << first;
  EXPECT_EQ(first.substr(first.size() - 9), ",1.0000,,") << "mlp: its total, no split";
  EXPECT_EQ(second.substr(0, 2), "2,");

  const std::filesystem::path file = root_ / "p.csv";
  std::ostringstream said;
  write_predictions(said, file, data, {1, 2}, {false, true, false}, {ops, mlp});
  EXPECT_EQ(read_text(file), csv);
  EXPECT_EQ(said.str(), " predictions of 2 rows -> " + file.string() + "\n");
}

TEST(TransferTable, SettingsLineAndLeanOfExactKinds) {
  PredictorData from = test_data::synthetic_data(6, 3, false);
  from.source = "a.csv";
  PredictorData to = test_data::synthetic_data(6, 4, false);
  to.source = "b.csv";
  to.setting.vocab_size = 8000;
  to.setting.beam = 4;
  std::ostringstream settings;
  print_transfer_settings(settings, from, to);
  EXPECT_EQ(settings.str(),
            str("transfer a.csv (vocab ", from.setting.vocab_size, ", L ",
                from.setting.source_length, ", beam ", from.setting.beam,
                ") -> b.csv (vocab 8000, L ", to.setting.source_length, ", beam 4)\n"));
  KindEvaluation ops = kind("ops", {}, {});
  ops.predictor = exact_ops();
  KindEvaluation mlp = kind("mlp", {}, {});
  mlp.predictor = constant_mlp(1);
  std::ostringstream report;
  print_transfer_report(report, from, to, {ops, mlp}, 0);
  // The exact model leans nowhere; mlp has no sides; 6 rows are too few for the floor, and
  // without kernel benchmarks there is no kernel scale.
  EXPECT_EQ(report.str(),
            " ops lean at the other setting (median predicted / measured): encoder 1.000, "
            "decoder 1.000\n");
}

TEST_F(ReportFiles, PublishedTableHasTheDevicesRowsOnlyWithEachKindsError) {
  const std::filesystem::path dir = root_;
  const std::filesystem::path shipped =
      std::filesystem::path(HAT_SOURCE_DIR) / "experiments/hat-configs/wmt14.en-de/subtransformer";
  for (const char* name :
       {"HAT_wmt14ende_raspberrypi@3.5s_bleu@25.8.yml", "HAT_wmt14ende_xeon@137.9ms_bleu@25.8.yml"})
    if (std::filesystem::exists(shipped / name))
      std::filesystem::copy_file(shipped / name, dir / name);
  ASSERT_TRUE(std::filesystem::exists(dir / "HAT_wmt14ende_raspberrypi@3.5s_bleu@25.8.yml"));
  DeviceProfile rpi;
  rpi.name = "rpi4";
  rpi.aliases = {"raspberrypi"};
  Evaluation ev;
  KindEvaluation ops = kind("ops", {}, {});
  ops.predictor = exact_ops();
  ev.kinds = {ops};
  const InferenceSetting setting;
  std::ostringstream out;
  print_published(out, dir, rpi, setting, ev);
  const PublishedArch arch = read_published_archs(dir).front();
  const double ms = exact_ops().predict(summarize_arch(arch.arch, setting)).total_ms;
  EXPECT_EQ(
      out.str(),
      " HAT's published SubTransformers for rpi4 (latency from the file name):\n"
      "  config                                           HAT ms        ops     err\n" +
          format("  %-44s %10.1f %10.1f %+6.1f%%\n", "HAT_wmt14ende_raspberrypi@3.5s_bleu@25.8.yml",
                 3500.0, ms, 100 * (ms - 3500) / 3500));
  DeviceProfile other;
  other.name = "titanxp";
  std::ostringstream none;
  print_published(none, dir, other, setting, ev);
  EXPECT_EQ(none.str(), "") << "a device without published configs prints nothing";
}

TEST(DatasetStatsTable, OneLinePerDeviceThenTheReferenceAndKernelLines) {
  const DeviceStats quiet{.device = "host", .rows = 12, .architectures = 10,
                          .total_min_ms = 1.5, .total_median_ms = 2.25, .total_max_ms = 10,
                          .encoder_median_ms = 0.75, .decoder_median_ms = 1.5,
                          .within_cv_median = 0.0123};
  DeviceStats repeated = quiet;
  repeated.device = "rpi4";
  repeated.repeated_architectures = 2;
  repeated.repeat_cv_median = 0.05;
  repeated.reference_rows = 4;
  repeated.reference_cv = 0.1;
  repeated.implementations = {{"eltwise:own loop (oneDNN has ref:any)", 12}, {"matmul:gemm:acl", 12}};
  std::ostringstream out;
  print_dataset_stats(out, "data.sqlite", {quiet, repeated});
  EXPECT_EQ(out.str(),
            "data.sqlite\n"
            "device         rows  archs   total ms min / median / max    enc med    dec med"
            "    within CV   repeat CV (archs)\n"
            "host             12     10           1.50 / 2.25 / 10.00       0.75       1.50"
            "        1.23%                   -\n"
            "rpi4             12     10           1.50 / 2.25 / 10.00       0.75       1.50"
            "        1.23%           5.00% (2)\n"
            "  4 reference timings (not counted above): CV 10.00%, how much the machine's speed "
            "varied\n"
            "  kernels that ran (rows): eltwise:own loop (oneDNN has ref:any) (12), "
            "matmul:gemm:acl (12)\n");
}

}  // namespace
}  // namespace hat::latency
