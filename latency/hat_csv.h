// HAT's latency CSV files (latency_dataset/*.csv in HAT's repository, shipped in
// shared/data/hat-latency): a header line, then one row per measured SubTransformer with its ten
// features and the encoder and decoder latency (trimmed mean and standard deviation, ms).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "latency/features.h"

namespace hat::latency {

struct HatCsvRow {
  HatFeatures features{};
  double encoder_mean_ms = 0, decoder_mean_ms = 0;
  double encoder_std_ms = 0, decoder_std_ms = 0;

  double total_mean_ms() const { return encoder_mean_ms + decoder_mean_ms; }
};

// The header HAT writes: the ten feature names, then latency_mean_encoder, latency_mean_decoder,
// latency_std_encoder, latency_std_decoder.
std::string hat_csv_header();

// Parses a whole file's text. All or nothing: any malformed row (wrong column count, a value
// that is not a finite number, a negative latency) throws hat::Error naming `source` and the
// 1-based line, and nothing is returned. Blank lines are skipped; a trailing '\r' is accepted.
std::vector<HatCsvRow> parse_hat_csv(std::string_view text, const std::string& source);
std::vector<HatCsvRow> read_hat_csv(const std::filesystem::path& path);

// The file's text as HAT's Python writes it: integer columns (embed dims, layer counts) as
// integers, every other value as Python's repr of a float, so that re-writing a shipped file
// reproduces it byte for byte.
std::string format_hat_csv(const std::vector<HatCsvRow>& rows);
// Writes format_hat_csv atomically (temporary file, fsync, rename).
void write_hat_csv(const std::filesystem::path& path, const std::vector<HatCsvRow>& rows);

// Python's repr(float): the shortest digits that read back to the same double, in fixed
// notation when the decimal exponent is in [-4, 16), else scientific ("1e-05", "1.5e+16");
// integral values keep ".0".
std::string python_float_repr(double value);

}  // namespace hat::latency
