// HAT's latency CSV files: the three shipped files parse and re-write byte for byte, and a
// malformed row is refused as a whole with its line number.
#include "latency/hat_csv.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

const std::filesystem::path kShipped = std::filesystem::path(HAT_SOURCE_DIR) / "experiments/hat-latency";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(HatCsv, ShippedFilesRoundTripByteForByte) {
  for (const char* name : {"wmt14ende_cpu_raspberrypi_all.csv", "wmt14ende_cpu_xeon_all.csv",
                           "wmt14ende_gpu_titanxp_all.csv"}) {
    SCOPED_TRACE(name);
    const std::string text = read_text(kShipped / name);
    const std::vector<HatCsvRow> rows = parse_hat_csv(text, name);
    ASSERT_EQ(rows.size(), 2000u);
    EXPECT_EQ(format_hat_csv(rows), text);
  }
}

TEST(HatCsv, ReadsTheValuesOfARow) {
  const std::string text = hat_csv_header() +
                           "\n512,6,1877.3333333333333,6.0,640,3,1706.6666666666667,6.0,"
                           "2.6666666666666665,1.3333333333333333,1990.0972843170166,"
                           "5932.554125785828,413.8751029968262,45.89879512786865\n";
  const auto rows = parse_hat_csv(text, "x.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].features[0], 512);
  EXPECT_DOUBLE_EQ(rows[0].features[9], 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(rows[0].encoder_mean_ms, 1990.0972843170166);
  EXPECT_DOUBLE_EQ(rows[0].total_mean_ms(), 1990.0972843170166 + 5932.554125785828);
  EXPECT_DOUBLE_EQ(rows[0].decoder_std_ms, 45.89879512786865);
}

TEST(HatCsv, AMalformedRowRefusesTheFileNamingTheLine) {
  const std::string good = "512,6,1024.0,4.0,512,6,1024.0,4.0,4.0,1.0,1.0,2.0,0.1,0.2\n";
  const std::string header = hat_csv_header() + "\n";
  test::expect_error([&] { parse_hat_csv(header + good + good + "512,6,1024.0\n", "a.csv"); },
                     {"a.csv:4", "3 columns"});
  test::expect_error(
      [&] { parse_hat_csv(header + good + "512,6,abc,4.0,512,6,1024.0,4.0,4.0,1.0,1.0,2.0,0.1,0.2\n", "b.csv"); },
      {"b.csv:3", "column 3", "abc"});
  test::expect_error(
      [&] { parse_hat_csv(header + "512,6,1024.0,4.0,512,6,1024.0,4.0,4.0,1.0,-1.0,2.0,0.1,0.2\n", "c.csv"); },
      {"c.csv:2", "negative"});
  test::expect_error([&] { parse_hat_csv("a,b\n" + good, "d.csv"); }, {"d.csv:1", "header"});
  test::expect_error([&] { parse_hat_csv("", "e.csv"); }, {"e.csv", "empty"});
}

TEST(HatCsv, PythonFloatReprMatchesPython) {
  EXPECT_EQ(python_float_repr(6.0), "6.0");
  EXPECT_EQ(python_float_repr(1877.3333333333333), "1877.3333333333333");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(4.28610862691434e-05), "4.28610862691434e-05");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(123456789012345.0), "123456789012345.0");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
  EXPECT_EQ(python_float_repr(0.0), "0.0");
}

}  // namespace
}  // namespace hat::latency
