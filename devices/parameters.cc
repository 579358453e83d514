#include "devices/parameters.h"

namespace hat {

namespace {
// Each parameter starts on a 64-byte boundary so that oneDNN sees aligned rows.
int64_t aligned_offset(int64_t offset, DType dtype) {
  const int64_t per_line = 64 / static_cast<int64_t>(dtype_size(dtype));
  return (offset + per_line - 1) / per_line * per_line;
}
}  // namespace

size_t ParameterStore::declare(const std::string& name, const Shape& shape) {
  HAT_CHECK(!allocated(), "parameters: cannot declare '", name, "' after allocate()");
  HAT_CHECK(!index_.count(name), "parameters: '", name, "' declared twice");
  for (int64_t s : shape) HAT_CHECK(s > 0, "parameters: '", name, "' has shape ", shape);
  Entry e;
  e.name = name;
  e.shape = shape;
  e.offset = aligned_offset(total_, dtype_);
  total_ = e.offset + shape_numel(shape);
  index_[name] = entries_.size();
  entries_.push_back(std::move(e));
  return entries_.size() - 1;
}

void ParameterStore::allocate() {
  HAT_CHECK(!allocated(), "parameters: allocate() called twice");
  values_ = Tensor::zeros({total_}, dtype_, device_);
  grads_ = Tensor::zeros({total_}, dtype_, device_);
  for (Entry& e : entries_) {
    const Shape strides = contiguous_strides(e.shape);
    e.value = Tensor(values_.storage_, e.offset, e.shape, strides, dtype_);
    e.grad = Tensor(grads_.storage_, e.offset, e.shape, strides, dtype_);
  }
}

const ParameterStore::Entry& ParameterStore::entry(const std::string& name) const {
  auto it = index_.find(name);
  HAT_CHECK(it != index_.end(), "parameters: no parameter named '", name, "'");
  HAT_CHECK(allocated(), "parameters: '", name, "' used before allocate()");
  return entries_[it->second];
}

}  // namespace hat
