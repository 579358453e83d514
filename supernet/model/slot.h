// Grow-only storage for one activation of the model: views of any shape up to the largest seen,
// so that training on batches of varying shapes allocates only when a batch is bigger.
#pragma once

#include "devices/tensor.h"

namespace hat::model {

class Slot {
 public:
  // A dense view of `shape` over this slot's storage (contents unspecified: whatever the last
  // user left). Reallocates (zero-filled, with 25% headroom) only when the storage is too small.
  Tensor get(const Shape& shape, DType dtype) {
    const int64_t n = shape_numel(shape);
    if (!storage_.defined() || storage_.dtype() != dtype || storage_.numel() < n)
      storage_ = Tensor::zeros({n + n / 4}, dtype);
    return storage_.narrow(0, 0, n).reshape(shape);
  }
  // Same, zero-filled.
  Tensor zeros(const Shape& shape, DType dtype) {
    Tensor t = get(shape, dtype);
    t.zero_();
    return t;
  }
  int64_t capacity() const { return storage_.defined() ? storage_.numel() : 0; }

 private:
  Tensor storage_;
};

}  // namespace hat::model
