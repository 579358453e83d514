// Dropout with a counter-based mask: element i is kept iff a hash of (seed, i) says so, so the
// mask depends only on the seed and the element index (never on threads or call order) and the
// backward recomputes it instead of storing it.
#pragma once

#include <cstdint>

#include "devices/tensor.h"

namespace hat::ops {

// Uniform in [0, 1) drawn from (seed, index) alone: 53 bits of
// splitmix64(splitmix64(seed) + (index + 1) * golden), i.e. element `index` of the splitmix64
// stream started at a scrambled seed. Any other backend (CUDA) must reproduce it bit for bit.
double dropout_uniform(uint64_t seed, int64_t index);

// Whether dropout with probability p and this seed keeps element `index`: u >= p.
inline bool dropout_keeps(uint64_t seed, int64_t index, double p) {
  return dropout_uniform(seed, index) >= p;
}

// y[i] = x[i] / (1 - p) if element i is kept, else 0.  p in [0, 1); p == 0 is the identity.
// x dense, any shape, elements indexed in row-major order; y may alias x (in place).
void dropout_forward(const Tensor& x, double p, uint64_t seed, Tensor& y);

// dx[i] += dy[i] / (1 - p) if kept, else nothing: with the seed fixed, dropout is a linear map
// y = D x with D diagonal, so dx += D dy. Same p and seed as the forward. Undefined dx: skipped.
void dropout_backward(const Tensor& dy, double p, uint64_t seed, const Tensor& dx);

}  // namespace hat::ops
