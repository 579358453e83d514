// One flat parameter buffer and one flat gradient buffer, with named views into both.
// Layers hold views; the optimizer and checkpoints see the whole buffer at once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "devices/tensor.h"

namespace hat {

class ParameterStore {
 public:
  explicit ParameterStore(DType dtype = DType::f32, Device device = Device::cpu)
      : dtype_(dtype), device_(device) {}

  // Declares a parameter; only before allocate(). Returns its index.
  size_t declare(const std::string& name, const Shape& shape);
  // Allocates both buffers (zero-filled) for everything declared.
  void allocate();
  bool allocated() const { return values_.defined(); }

  const Tensor& value(const std::string& name) const { return entry(name).value; }
  const Tensor& grad(const std::string& name) const { return entry(name).grad; }
  bool contains(const std::string& name) const { return index_.count(name) > 0; }

  // The flat buffers: [total] elements each.
  const Tensor& values() const { return values_; }
  const Tensor& grads() const { return grads_; }
  int64_t total_size() const { return total_; }
  void zero_grad() { grads_.zero_(); }

  struct Entry {
    std::string name;
    Shape shape;
    int64_t offset = 0;  // in elements, into the flat buffers
    Tensor value;
    Tensor grad;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const Entry& entry(const std::string& name) const;

  DType dtype_;
  Device device_;
  std::vector<Entry> entries_;
  std::map<std::string, size_t> index_;
  int64_t total_ = 0;
  Tensor values_, grads_;
};

}  // namespace hat
