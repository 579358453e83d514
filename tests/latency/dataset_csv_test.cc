// HAT's CSV through the dataset: the three shipped files import (2000 rows each) and export back
// byte for byte; a malformed row imports nothing; importing twice adds nothing; merging boards'
// files keeps every row once; stats summarise them.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "latency/dataset/latency_dataset.h"
#include "latency/dataset/stats.h"
#include "latency/hat_csv.h"
#include "tests/latency/dataset_test_util.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

namespace fs = std::filesystem;

const fs::path kShipped = fs::path(HAT_SOURCE_DIR) / "experiments/hat-latency";
const std::vector<std::pair<std::string, std::string>> kFiles = {
    {"rpi4", "wmt14ende_cpu_raspberrypi_all.csv"},
    {"xeon", "wmt14ende_cpu_xeon_all.csv"},
    {"titanxp", "wmt14ende_gpu_titanxp_all.csv"}};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using DatasetCsv = test::DatasetTest;

TEST_F(DatasetCsv, ShippedFilesImportAndExportByteForByte) {
  const auto path = root_ / "hat.sqlite";
  {
    LatencyDataset dataset(path);
    for (const auto& [device, file] : kFiles)
      EXPECT_EQ(dataset.import_hat_csv(kShipped / file, {device, "hw", "pytorch", 0}), 2000);
  }
  DatasetOptions ro;
  ro.read_only = true;
  LatencyDataset dataset(path, ro);
  EXPECT_EQ(dataset.count(), 6000);
  for (const auto& [device, file] : kFiles) {
    SCOPED_TRACE(file);
    EXPECT_EQ(dataset.count(device), 2000);
    const std::vector<HatCsvRow> rows = dataset.hat_csv_rows(device);
    ASSERT_EQ(rows.size(), 2000u);
    EXPECT_EQ(format_hat_csv(rows), read_text(kShipped / file));
    const std::vector<Measurement> m = dataset.measurements(device);
    EXPECT_FALSE(m[0].arch.has_value());
    EXPECT_EQ(m[0].mode, "imported");
    EXPECT_FALSE(m[0].implementations.has_value()) << "HAT's CSV does not say what ran";
  }
  hat::test::expect_error([&] { dataset.hat_csv_rows("jetson"); }, {"no device 'jetson'"});
}

TEST_F(DatasetCsv, ImportingTheSameFileTwiceAddsNothing) {
  LatencyDataset dataset(root_ / "d.sqlite");
  const fs::path file = kShipped / kFiles[1].second;
  EXPECT_EQ(dataset.import_hat_csv(file, {"xeon", "", "", 0}), 2000);
  EXPECT_EQ(dataset.import_hat_csv(file, {"xeon", "", "", 0}), 0);
  EXPECT_EQ(dataset.count("xeon"), 2000);
}

TEST_F(DatasetCsv, AMalformedRowImportsNothingAndNamesItsLine) {
  std::string text = read_text(kShipped / kFiles[0].second);
  // Line 1234 (1-based, header = line 1): drop its last column.
  size_t pos = 0;
  for (int line = 1; line < 1234; ++line) pos = text.find('\n', pos) + 1;
  const size_t end = text.find('\n', pos);
  const size_t last_comma = text.rfind(',', end);
  text.erase(last_comma, end - last_comma);
  const auto bad = root_ / "bad.csv";
  std::ofstream(bad, std::ios::binary) << text;
  LatencyDataset dataset(root_ / "d.sqlite");
  dataset.import_hat_csv(kShipped / kFiles[1].second, {"xeon", "", "", 0});
  hat::test::expect_error([&] { dataset.import_hat_csv(bad, {"rpi4", "", "", 0}); },
                          {"bad.csv", "1234"});
  EXPECT_EQ(dataset.count("rpi4"), 0);
  EXPECT_EQ(dataset.count(), 2000);
  EXPECT_EQ(dataset.devices().size(), 1u) << "the device of a failed import is not created";
}

TEST(Implementations, JoinedTextSplitsBackIntoTheNames) {
  const std::vector<std::string> names = {"eltwise:own loop (oneDNN has ref:any)", "matmul:gemm:jit"};
  EXPECT_EQ(join_implementations(names), "eltwise:own loop (oneDNN has ref:any), matmul:gemm:jit");
  EXPECT_EQ(split_implementations(join_implementations(names)), names);
  EXPECT_EQ(join_implementations({}), "");
  EXPECT_TRUE(split_implementations("").empty());
}

TEST_F(DatasetCsv, MergeKeepsEveryRowOnceAndStatsSummarise) {
  {
    LatencyDataset a(root_ / "a.sqlite");
    a.import_hat_csv(kShipped / kFiles[0].second, {"rpi4", "pi", "cpu", 4});
    a.put_device({"host", "box", "cpu", 2});
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      Measurement m = test::synthetic_measurement("host", seed);
      m.implementations = seed == 6 ? "eltwise:own loop (oneDNN has ref:any), matmul:gemm:jit"
                                    : "eltwise:jit:avx2, matmul:gemm:jit";
      a.add_measurement(m);
    }
    // One architecture measured twice: a run-to-run noise figure.
    a.add_measurement(test::synthetic_measurement("host", 1));
    LatencyDataset b(root_ / "b.sqlite");
    b.import_hat_csv(kShipped / kFiles[2].second, {"titanxp", "gpu", "cuda", 0});
  }
  LatencyDataset merged(root_ / "m.sqlite");
  EXPECT_EQ(merged.merge_from(root_ / "a.sqlite").added, 2007);
  EXPECT_EQ(merged.merge_from(root_ / "b.sqlite").added, 2000);
  EXPECT_EQ(merged.merge_from(root_ / "a.sqlite").added, 0) << "merging twice adds nothing";
  hat::test::expect_error([&] { merged.merge_from(root_ / "m.sqlite"); }, {"into itself"});
  EXPECT_EQ(merged.count(), 4007);
  EXPECT_EQ(format_hat_csv(merged.hat_csv_rows("titanxp")), read_text(kShipped / kFiles[2].second));
  // Merged rows keep the implementations they ran (imported ones have none).
  const std::vector<Measurement> host = merged.measurements("host");
  ASSERT_EQ(host.size(), 7u);
  EXPECT_EQ(host[0].implementations, "eltwise:jit:avx2, matmul:gemm:jit");
  EXPECT_FALSE(host[6].implementations.has_value());
  EXPECT_FALSE(merged.measurements("rpi4")[0].implementations.has_value());

  const std::vector<DeviceStats> stats = dataset_stats(merged);
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].device, "host");
  EXPECT_EQ(stats[0].rows, 7);
  EXPECT_EQ(stats[0].architectures, 6);
  EXPECT_EQ(stats[0].repeated_architectures, 1);
  EXPECT_EQ(stats[0].repeat_cv_median, 0.0) << "identical synthetic repeats";
  EXPECT_EQ(stats[0].rows_with_implementations, 6);
  EXPECT_EQ(stats[0].implementations, (std::vector<std::pair<std::string, int64_t>>{
                                          {"eltwise:jit:avx2", 5},
                                          {"eltwise:own loop (oneDNN has ref:any)", 1},
                                          {"matmul:gemm:jit", 6}}));
  EXPECT_TRUE(stats[1].implementations.empty()) << "HAT's imported rows say nothing";
  EXPECT_EQ(stats[1].device, "rpi4");
  EXPECT_EQ(stats[1].rows, 2000);
  // SOURCE.md: the En-De RPi total latency spans 3070-12208 ms.
  EXPECT_NEAR(stats[1].total_min_ms, 3070, 1);
  EXPECT_NEAR(stats[1].total_max_ms, 12208, 1);
  EXPECT_GT(stats[1].within_cv_median, 0);
}

}  // namespace
}  // namespace hat::latency
