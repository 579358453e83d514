// Token ids of one side of a split, as stored in a data directory: every sentence's ids
// followed by eos, concatenated (SPLIT.LANG.bin, int32 little-endian), and the start of each
// sentence (SPLIT.LANG.idx, n + 1 uint64 offsets, the first 0 and the last the token count).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace hat::data {

struct TokenColumn {
  std::vector<int32_t> tokens;
  std::vector<uint64_t> offsets{0};

  size_t size() const { return offsets.size() - 1; }
  // Tokens of sentence i, eos included.
  std::span<const int32_t> sentence(size_t i) const {
    return {tokens.data() + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
  uint32_t length(size_t i) const { return static_cast<uint32_t>(offsets[i + 1] - offsets[i]); }
  std::vector<uint32_t> lengths() const;
  // Appends one sentence (without eos; eos is added).
  void append(std::span<const int32_t> ids);
};

void write_token_column(const TokenColumn& column, const std::filesystem::path& bin,
                        const std::filesystem::path& idx);

// Reads and validates a column: offsets start at 0, never decrease and end at the token count,
// every sentence is non-empty and ends with eos, every id lies in [0, vocab_size).
TokenColumn read_token_column(const std::filesystem::path& bin, const std::filesystem::path& idx, int vocab_size);

}  // namespace hat::data
