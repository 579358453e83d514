// Binary token files of a data directory.
#include "supernet/data/token_column.h"

#include <bit>
#include <fstream>

#include "devices/error.h"
#include "supernet/data/special_tokens.h"

namespace hat::data {

static_assert(std::endian::native == std::endian::little,
              "data directories store little-endian integers; add byte swapping for this host");

std::vector<uint32_t> TokenColumn::lengths() const {
  std::vector<uint32_t> result(size());
  for (size_t i = 0; i < result.size(); ++i) result[i] = length(i);
  return result;
}

void TokenColumn::append(std::span<const int32_t> ids) {
  tokens.insert(tokens.end(), ids.begin(), ids.end());
  tokens.push_back(kEosId);
  offsets.push_back(tokens.size());
}

namespace {

template <typename T>
void write_array(const std::filesystem::path& path, const std::vector<T>& values) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  HAT_CHECK(out, path.string(), ": cannot open for writing");
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
  out.close();
  HAT_CHECK(out, path.string(), ": write failed (disk full?)");
}

template <typename T>
std::vector<T> read_array(const std::filesystem::path& path) {
  HAT_CHECK(std::filesystem::exists(path), path.string(), ": no such file");
  const auto bytes = std::filesystem::file_size(path);
  HAT_CHECK(bytes % sizeof(T) == 0, path.string(), ": ", bytes, " bytes is not a whole number of ", sizeof(T),
            "-byte values (truncated?)");
  std::vector<T> values(bytes / sizeof(T));
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes));
  HAT_CHECK(in && static_cast<uint64_t>(in.gcount()) == bytes, path.string(), ": read error");
  return values;
}

}  // namespace

void write_token_column(const TokenColumn& column, const std::filesystem::path& bin,
                        const std::filesystem::path& idx) {
  write_array(bin, column.tokens);
  write_array(idx, column.offsets);
}

TokenColumn read_token_column(const std::filesystem::path& bin, const std::filesystem::path& idx, int vocab_size) {
  TokenColumn column;
  column.tokens = read_array<int32_t>(bin);
  column.offsets = read_array<uint64_t>(idx);
  const auto& off = column.offsets;
  HAT_CHECK(!off.empty() && off.front() == 0, idx.string(), ": the offsets must start with 0");
  HAT_CHECK(off.back() == column.tokens.size(), idx.string(), ": the last offset is ", off.back(), " but ",
            bin.string(), " holds ", column.tokens.size(), " tokens");
  for (size_t i = 0; i + 1 < off.size(); ++i) {
    HAT_CHECK(off[i + 1] > off[i], idx.string(), ": sentence ", i + 1, " is empty or the offsets decrease");
    HAT_CHECK(column.tokens[off[i + 1] - 1] == kEosId, bin.string(), ": sentence ", i + 1,
              " does not end with eos (", kEosId, ")");
  }
  for (size_t i = 0; i < column.tokens.size(); ++i)
    HAT_CHECK(column.tokens[i] >= 0 && column.tokens[i] < vocab_size, bin.string(), ": token ", i, " has id ",
              column.tokens[i], ", outside the vocabulary [0, ", vocab_size, ")");
  return column;
}

}  // namespace hat::data
