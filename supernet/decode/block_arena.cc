#include "supernet/decode/block_arena.h"

#include <algorithm>

namespace hat::decode {

Tensor BlockArena::take(int64_t rows, int64_t width, DType dtype) {
  HAT_CHECK(rows >= 1 && width >= 1, "BlockArena: a [", rows, ", ", width, "] block");
  const int64_t n = rows * width;
  // The first chunk from the current one on with room and the right type (chunks of another
  // type are skipped: a decoder has one).
  while (current_ < chunks_.size() &&
         (chunks_[current_].dtype() != dtype || chunks_[current_].numel() - used_ < n)) {
    ++current_;
    used_ = 0;
  }
  if (current_ == chunks_.size())
    chunks_.push_back(Tensor::zeros({std::max(4 * n, kChunkElements)}, dtype));
  const Tensor block = chunks_[current_].narrow(0, used_, n).reshape({rows, width});
  used_ += n;
  bytes_taken_ += n * static_cast<int64_t>(dtype_size(dtype));
  return block;
}

void BlockArena::reset() {
  if (bytes_taken_ > 0 && current_ + 1 < chunks_.size()) chunks_.resize(current_ + 1);
  current_ = 0;
  used_ = 0;
  bytes_taken_ = 0;
}

int64_t BlockArena::bytes_held() const {
  int64_t bytes = 0;
  for (const Tensor& c : chunks_) bytes += c.numel() * static_cast<int64_t>(dtype_size(c.dtype()));
  return bytes;
}

}  // namespace hat::decode
