// Tensor shapes and strides (in elements), and their printing for error messages.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

namespace hat {

// A distinct type (not an alias of std::vector) so that operator<< below is found by
// argument-dependent lookup from hat::str.
struct Shape : std::vector<int64_t> {
  using std::vector<int64_t>::vector;
  Shape() = default;
  Shape(std::vector<int64_t> v) : std::vector<int64_t>(std::move(v)) {}
};

// Row-major strides of a dense tensor of this shape.
Shape contiguous_strides(const Shape& shape);

// Product of the sizes (1 for a scalar).
int64_t shape_numel(const Shape& shape);

std::ostream& operator<<(std::ostream& out, const Shape& shape);

}  // namespace hat
