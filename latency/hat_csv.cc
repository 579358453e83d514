#include "latency/hat_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "devices/error.h"
#include "util/atomic_file.h"

namespace hat::latency {
namespace {

constexpr int kColumns = kHatFeatureCount + 4;
// Columns HAT writes as Python ints (embed dims and layer counts).
constexpr bool is_integer_column(int column) {
  return column == 0 || column == 1 || column == 4 || column == 5;
}

double parse_value(std::string_view field, const std::string& where, int column) {
  double value = 0;
  const char* end = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(field.data(), end, value);
  HAT_CHECK(ec == std::errc() && ptr == end && std::isfinite(value), where, ": column ",
            column + 1, " is '", field, "', not a number");
  return value;
}

}  // namespace

std::string hat_csv_header() {
  std::string header;
  for (auto name : kHatFeatureNames) header.append(name).append(",");
  return header + "latency_mean_encoder,latency_mean_decoder,latency_std_encoder,latency_std_decoder";
}

std::vector<HatCsvRow> parse_hat_csv(std::string_view text, const std::string& source) {
  std::vector<HatCsvRow> rows;
  bool header_seen = false;
  int64_t line_number = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::string where = str(source, ":", line_number);
    if (!header_seen) {
      HAT_CHECK(line == hat_csv_header(), where,
                ": not a HAT latency CSV header (expected '", hat_csv_header(), "')");
      header_seen = true;
      continue;
    }
    std::vector<std::string_view> fields;
    for (size_t start = 0;;) {
      const size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    HAT_CHECK(static_cast<int>(fields.size()) == kColumns, where, ": ", fields.size(),
              " columns, expected ", kColumns);
    HatCsvRow row;
    for (int c = 0; c < kHatFeatureCount; ++c) {
      row.features[c] = parse_value(fields[c], where, c);
      HAT_CHECK(row.features[c] > 0, where, ": ", kHatFeatureNames[c], " must be positive");
    }
    double* latencies[] = {&row.encoder_mean_ms, &row.decoder_mean_ms, &row.encoder_std_ms,
                           &row.decoder_std_ms};
    for (int k = 0; k < 4; ++k) {
      *latencies[k] = parse_value(fields[kHatFeatureCount + k], where, kHatFeatureCount + k);
      HAT_CHECK(*latencies[k] >= 0, where, ": latency column ", kHatFeatureCount + k + 1,
                " is negative");
    }
    rows.push_back(row);
  }
  HAT_CHECK(header_seen, source, ": empty file (expected a HAT latency CSV header)");
  return rows;
}

std::vector<HatCsvRow> read_hat_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, "cannot read latency CSV ", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_hat_csv(text.str(), path.string());
}

std::string python_float_repr(double value) {
  HAT_CHECK(std::isfinite(value), "python_float_repr: not finite");
  // Shortest round-trip digits and exponent, from the scientific form d.ddddde[+-]XX.
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 std::chars_format::scientific);
  std::string sci(buffer, end);
  const size_t e = sci.find('e');
  const bool negative = sci[0] == '-';
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  const int exponent = std::stoi(sci.substr(e + 1));
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += str(exponent < 0 ? "e-" : "e+", std::abs(exponent) < 10 ? "0" : "", std::abs(exponent));
    return out;
  }
  if (exponent < 0) return out + "0." + std::string(-exponent - 1, '0') + digits;
  const size_t integer_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= integer_digits)
    return out + digits + std::string(integer_digits - digits.size(), '0') + ".0";
  return out + digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

std::string format_hat_csv(const std::vector<HatCsvRow>& rows) {
  std::string text = hat_csv_header() + "\n";
  for (const HatCsvRow& row : rows) {
    for (int c = 0; c < kHatFeatureCount; ++c) {
      const double v = row.features[c];
      text += is_integer_column(c) && v == std::floor(v) ? std::to_string(static_cast<int64_t>(v))
                                                        : python_float_repr(v);
      text += ",";
    }
    text += python_float_repr(row.encoder_mean_ms) + "," + python_float_repr(row.decoder_mean_ms) +
            "," + python_float_repr(row.encoder_std_ms) + "," +
            python_float_repr(row.decoder_std_ms) + "\n";
  }
  return text;
}

void write_hat_csv(const std::filesystem::path& path, const std::vector<HatCsvRow>& rows) {
  util::write_file_atomically(path, format_hat_csv(rows));
}

}  // namespace hat::latency
