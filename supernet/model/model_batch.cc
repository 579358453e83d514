// ModelBatch from a collated data batch.
#include "supernet/model/model_batch.h"

#include <algorithm>

#include "devices/error.h"

namespace hat::model {

namespace {

Tensor tokens(const std::vector<int32_t>& ids, size_t rows, size_t cols) {
  Tensor t = Tensor::zeros({static_cast<int64_t>(rows), static_cast<int64_t>(cols)}, DType::i32);
  std::copy(ids.begin(), ids.end(), t.data<int32_t>());
  return t;
}

// Real tokens of each row: the positions before the first padding token.
std::vector<int32_t> lengths(const std::vector<int32_t>& ids, size_t rows, size_t cols,
                             int32_t pad) {
  std::vector<int32_t> out(rows);
  for (size_t r = 0; r < rows; ++r) {
    const auto begin = ids.begin() + static_cast<std::ptrdiff_t>(r * cols);
    out[r] = static_cast<int32_t>(std::find(begin, begin + static_cast<std::ptrdiff_t>(cols), pad) - begin);
  }
  return out;
}

}  // namespace

ModelBatch to_model_batch(const data::PaddedBatch& batch, int32_t padding_idx) {
  const size_t rows = batch.rows, S = batch.source_len, T = batch.target_len;
  HAT_CHECK(batch.source.size() == rows * S && batch.target_input.size() == rows * T &&
                batch.target_output.size() == rows * T,
            "to_model_batch: ", rows, " rows of ", S, " source and ", T,
            " target tokens do not match the buffers (", batch.source.size(), ", ",
            batch.target_input.size(), ", ", batch.target_output.size(), ")");
  for (size_t r = 0; r < rows && S > 0; ++r)
    HAT_CHECK(batch.source[r * S] != padding_idx, "to_model_batch: source row ", r,
              " is left-padded; collate with left_pad_source = false");
  ModelBatch out;
  out.source = tokens(batch.source, rows, S);
  out.target_input = tokens(batch.target_input, rows, T);
  out.target_output = tokens(batch.target_output, rows, T);
  out.source_lengths = lengths(batch.source, rows, S, padding_idx);
  out.target_lengths = lengths(batch.target_output, rows, T, padding_idx);
  for (int32_t n : out.target_lengths) out.target_tokens += n;
  return out;
}

}  // namespace hat::model
