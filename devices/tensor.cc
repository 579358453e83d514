#include "devices/tensor.h"

#include <cstring>
#include <numeric>

namespace hat {

Tensor::Tensor(std::shared_ptr<Storage> storage, int64_t offset, Shape shape, Shape strides,
               DType dtype)
    : storage_(std::move(storage)),
      offset_(offset),
      shape_(std::move(shape)),
      strides_(std::move(strides)),
      dtype_(dtype) {}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  for (int64_t s : shape) HAT_CHECK(s >= 0, "tensor: negative size in shape ", shape);
  auto storage = std::make_shared<Storage>(shape_numel(shape) * dtype_size(dtype), device);
  return Tensor(std::move(storage), 0, shape, contiguous_strides(shape), dtype);
}

int64_t Tensor::normalize_dim(int64_t d, const char* op) const {
  const int64_t n = dim();
  HAT_CHECK(d >= -n && d < n, op, ": dimension ", d, " out of range for ", describe());
  return d < 0 ? d + n : d;
}

int64_t Tensor::size(int64_t d) const { return shape_[normalize_dim(d, "size")]; }
int64_t Tensor::stride(int64_t d) const { return strides_[normalize_dim(d, "stride")]; }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] != 1 && strides_[i] != expected) return false;
    expected *= shape_[i];
  }
  return true;
}

std::string Tensor::describe() const {
  if (!defined()) return "undefined tensor";
  std::string s = str(dtype_name(dtype_), shape_);
  if (!is_contiguous()) s += str(" strides ", strides_);
  return s;
}

void* Tensor::raw() const {
  HAT_CHECK(defined(), "tensor: access to an undefined tensor");
  return static_cast<char*>(storage_->data()) + offset_ * dtype_size(dtype_);
}

Tensor Tensor::leading(const Shape& sizes) const {
  HAT_CHECK(sizes.size() == shape_.size(), "slice: ", sizes.size(), " sizes ", sizes,
            " for a ", dim(), "-d tensor ", describe());
  for (size_t i = 0; i < sizes.size(); ++i)
    HAT_CHECK(sizes[i] >= 0 && sizes[i] <= shape_[i], "slice: leading block ", sizes,
              " is wider than its tensor ", describe(), " in dimension ", i);
  return Tensor(storage_, offset_, sizes, strides_, dtype_);
}

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  d = normalize_dim(d, "narrow");
  HAT_CHECK(start >= 0 && length >= 0 && start + length <= shape_[d], "narrow: [", start, ", ",
            start + length, ") out of range for dimension ", d, " of ", describe());
  Shape shape = shape_;
  shape[d] = length;
  return Tensor(storage_, offset_ + start * strides_[d], shape, strides_, dtype_);
}

Tensor Tensor::transpose(int64_t d0, int64_t d1) const {
  d0 = normalize_dim(d0, "transpose");
  d1 = normalize_dim(d1, "transpose");
  Shape shape = shape_, strides = strides_;
  std::swap(shape[d0], shape[d1]);
  std::swap(strides[d0], strides[d1]);
  return Tensor(storage_, offset_, shape, strides, dtype_);
}

Tensor Tensor::reshape(Shape shape) const {
  HAT_CHECK(is_contiguous(), "reshape: needs a contiguous tensor, got ", describe());
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      HAT_CHECK(infer < 0, "reshape: more than one -1 in ", shape);
      infer = static_cast<int64_t>(i);
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0 && known > 0) shape[infer] = numel() / known;
  HAT_CHECK(shape_numel(shape) == numel(), "reshape: ", describe(), " cannot become ", shape);
  return Tensor(storage_, offset_, shape, contiguous_strides(shape), dtype_);
}

namespace {

// Calls fn(dst_offset, src_offset) for every element of `shape`, innermost dimension fastest.
template <typename Fn>
void for_each_offset(const Shape& shape, const Shape& a_strides, const Shape& b_strides, Fn fn) {
  const int64_t n = shape_numel(shape);
  if (n == 0) return;
  const size_t dims = shape.size();
  std::vector<int64_t> index(dims, 0);
  int64_t a = 0, b = 0;
  for (int64_t k = 0; k < n; ++k) {
    fn(a, b);
    for (size_t d = dims; d-- > 0;) {
      if (++index[d] < shape[d]) {
        a += a_strides[d];
        b += b_strides[d];
        break;
      }
      a -= (shape[d] - 1) * a_strides[d];
      b -= (shape[d] - 1) * b_strides[d];
      index[d] = 0;
    }
  }
}

}  // namespace

void Tensor::zero_() const {
  if (is_contiguous()) {
    std::memset(raw(), 0, numel() * dtype_size(dtype_));
    return;
  }
  char* base = static_cast<char*>(raw());
  const size_t width = dtype_size(dtype_);
  for_each_offset(shape_, strides_, strides_,
                  [&](int64_t a, int64_t) { std::memset(base + a * width, 0, width); });
}

void Tensor::copy_from(const Tensor& src) const {
  HAT_CHECK(src.shape_ == shape_ && src.dtype_ == dtype_, "copy: ", src.describe(), " into ",
            describe());
  const size_t width = dtype_size(dtype_);
  if (is_contiguous() && src.is_contiguous()) {
    std::memmove(raw(), src.raw(), numel() * width);
    return;
  }
  char* dst = static_cast<char*>(raw());
  const char* from = static_cast<const char*>(src.raw());
  if (dim() >= 1 && strides_.back() == 1 && src.strides_.back() == 1) {
    // Rows with unit stride on both sides (slices, head views, key/value caches): one memcpy
    // per row instead of one per element.
    const Shape outer(shape_.begin(), shape_.end() - 1);
    const Shape dst_outer(strides_.begin(), strides_.end() - 1);
    const Shape src_outer(src.strides_.begin(), src.strides_.end() - 1);
    const size_t row_bytes = shape_.back() * width;
    for_each_offset(outer, dst_outer, src_outer, [&](int64_t a, int64_t b) {
      std::memcpy(dst + a * width, from + b * width, row_bytes);
    });
    return;
  }
  for_each_offset(shape_, strides_, src.strides_, [&](int64_t a, int64_t b) {
    std::memcpy(dst + a * width, from + b * width, width);
  });
}

Tensor Tensor::clone() const {
  Tensor copy = zeros(shape_, dtype_, device());
  copy.copy_from(*this);
  return copy;
}

void check_shape(const Tensor& t, const Shape& shape, const char* op, const char* name) {
  HAT_CHECK(t.defined(), op, ": ", name, " is undefined, expected shape ", shape);
  HAT_CHECK(t.shape() == shape, op, ": ", name, " has shape ", t.shape(), ", expected ", shape);
}

void ensure_shape(Tensor& t, const Shape& shape, DType dtype, const char* op, const char* name) {
  if (!t.defined()) {
    t = Tensor::zeros(shape, dtype);
    return;
  }
  check_shape(t, shape, op, name);
  HAT_CHECK(t.dtype() == dtype, op, ": ", name, " is ", dtype_name(t.dtype()), ", expected ",
            dtype_name(dtype));
}

}  // namespace hat
