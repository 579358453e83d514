// Dense blocks handed out from a few large buffers and released all at once: the decoder's
// self-attention cache, which grows by one block per step and is dropped after each batch.
// Reusing the buffers keeps a translator's memory near one batch's cache, however many batches it
// translates and whatever their shapes: a block goes in the first chunk from the current one on
// with room (the tail it skips is at most one block), new chunks hold at least 4 blocks, and
// reset() frees the chunks the finished batch did not reach.
#pragma once

#include <cstdint>
#include <vector>

#include "devices/tensor.h"

namespace hat::decode {

class BlockArena {
 public:
  // Elements of a new chunk, at least (1M f32 = 4 MB).
  static constexpr int64_t kChunkElements = int64_t{1} << 20;

  // A dense [rows, width] view, valid until reset(); contents unspecified.
  Tensor take(int64_t rows, int64_t width, DType dtype);
  // Every block taken so far is free again; the chunks they used are kept, the others freed.
  void reset();

  int64_t bytes_held() const;  // the chunks' size
  int64_t bytes_taken() const { return bytes_taken_; }  // the blocks' since reset()

 private:
  std::vector<Tensor> chunks_;  // 1-D
  size_t current_ = 0;          // the chunk blocks come from
  int64_t used_ = 0;            // elements used in it
  int64_t bytes_taken_ = 0;
};

}  // namespace hat::decode
