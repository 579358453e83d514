// A strided view into shared storage. Views (slices, transposes, reshapes) never copy:
// the leading block W[:out, :in] of a SuperTransformer weight is a Tensor with the
// parameter's strides, so gradients written through it land in place.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "devices/device.h"
#include "devices/dtype.h"
#include "devices/error.h"
#include "devices/shape.h"
#include "devices/storage.h"

namespace hat {

class Tensor {
 public:
  Tensor() = default;  // undefined: no storage

  // A new dense, zero-filled tensor.
  static Tensor zeros(const Shape& shape, DType dtype, Device device = Device::cpu);

  bool defined() const { return storage_ != nullptr; }
  DType dtype() const { return dtype_; }
  Device device() const { return storage_ ? storage_->device() : Device::cpu; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  int64_t size(int64_t d) const;    // negative d counts from the end
  int64_t stride(int64_t d) const;  // negative d counts from the end
  int64_t numel() const { return shape_numel(shape_); }
  bool is_contiguous() const;
  std::string describe() const;  // "f32[4, 8] strides [16, 1]", for error messages

  // Typed pointer to the first element; the type must match dtype().
  template <typename T> T* data() const {
    HAT_CHECK(dtype_of<T> == dtype_, "tensor: accessed ", describe(), " as ",
              dtype_name(dtype_of<T>));
    return static_cast<T*>(raw()) ;
  }
  void* raw() const;

  // Element access for tests and small loops (no bounds check on the hot path).
  template <typename T> T& at(std::initializer_list<int64_t> index) const {
    int64_t offset = 0, d = 0;
    for (int64_t i : index) offset += i * strides_[d++];
    return data<T>()[offset];
  }

  // ---- views (share storage) ----
  // The leading block [0:sizes[0], 0:sizes[1], ...]; each size must fit.
  Tensor leading(const Shape& sizes) const;
  // Elements [start, start + length) along dimension d.
  Tensor narrow(int64_t d, int64_t start, int64_t length) const;
  // Dimensions d0 and d1 swapped (a strided view).
  Tensor transpose(int64_t d0, int64_t d1) const;
  // Same elements, new shape; needs a contiguous tensor. One size may be -1.
  Tensor reshape(Shape shape) const;

  // ---- data movement ----
  // Tensor is a handle: const means the view does not change, the data may.
  void zero_() const;                       // sets every viewed element to 0
  void copy_from(const Tensor& src) const;  // element-wise, any strides, same shape and dtype
  Tensor clone() const;               // a dense copy

 private:
  Tensor(std::shared_ptr<Storage> storage, int64_t offset, Shape shape, Shape strides, DType dtype);
  int64_t normalize_dim(int64_t d, const char* op) const;

  std::shared_ptr<Storage> storage_;
  int64_t offset_ = 0;  // in elements
  Shape shape_;
  Shape strides_;       // in elements
  DType dtype_ = DType::f32;

  friend class ParameterStore;
};

// Throws unless `t` has exactly `shape`; `op` and `name` make the message specific.
void check_shape(const Tensor& t, const Shape& shape, const char* op, const char* name);
// Allocates `t` (dense, zeroed) if it is undefined; otherwise checks its shape and dtype.
void ensure_shape(Tensor& t, const Shape& shape, DType dtype, const char* op, const char* name);

}  // namespace hat
