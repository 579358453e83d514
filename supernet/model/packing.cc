// Row gathers and scatters between padded and packed layouts (see packing.h).
#include "supernet/model/packing.h"

#include <cstring>

namespace hat::model {

namespace {

// First packed row of each sentence.
std::vector<int64_t> offsets(const std::vector<int32_t>& lengths) {
  std::vector<int64_t> out(lengths.size() + 1, 0);
  for (size_t b = 0; b < lengths.size(); ++b) out[b + 1] = out[b] + lengths[b];
  return out;
}

void check(const Tensor& padded, const std::vector<int32_t>& lengths, const Tensor& packed,
           int64_t total, const char* op) {
  const int64_t B = static_cast<int64_t>(lengths.size());
  HAT_CHECK(padded.dim() == 2 && packed.dim() == 2 && padded.is_contiguous() &&
                packed.is_contiguous() && padded.dtype() == packed.dtype() &&
                padded.size(1) == packed.size(1) && B > 0 && padded.size(0) % B == 0 &&
                packed.size(0) == total,
            op, ": padded ", padded.describe(), " and packed ", packed.describe(),
            " do not match ", B, " sentences of ", total, " tokens");
  for (int32_t n : lengths)
    HAT_CHECK(n >= 0 && n <= padded.size(0) / B, op, ": length ", n, " exceeds the ",
              padded.size(0) / B, " rows of a sentence");
}

}  // namespace

void pack_rows(const Tensor& padded, const std::vector<int32_t>& lengths, const Tensor& packed) {
  const std::vector<int64_t> first = offsets(lengths);
  check(padded, lengths, packed, first.back(), "pack_rows");
  const int64_t B = static_cast<int64_t>(lengths.size()), T = padded.size(0) / B;
  const size_t row = static_cast<size_t>(padded.size(1)) * dtype_size(padded.dtype());
  const char* src = static_cast<const char*>(padded.raw());
  char* dst = static_cast<char*>(packed.raw());
#pragma omp parallel for
  for (int64_t b = 0; b < B; ++b)
    std::memcpy(dst + first[b] * row, src + b * T * row, lengths[b] * row);
}

void unpack_rows(const Tensor& packed, const std::vector<int32_t>& lengths, const Tensor& padded) {
  const std::vector<int64_t> first = offsets(lengths);
  check(padded, lengths, packed, first.back(), "unpack_rows");
  const int64_t B = static_cast<int64_t>(lengths.size()), T = padded.size(0) / B;
  const size_t row = static_cast<size_t>(padded.size(1)) * dtype_size(padded.dtype());
  const char* src = static_cast<const char*>(packed.raw());
  char* dst = static_cast<char*>(padded.raw());
#pragma omp parallel for
  for (int64_t b = 0; b < B; ++b) {
    std::memcpy(dst + b * T * row, src + first[b] * row, lengths[b] * row);
    std::memset(dst + (b * T + lengths[b]) * row, 0, (T - lengths[b]) * row);
  }
}

}  // namespace hat::model
