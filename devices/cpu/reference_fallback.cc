#include "devices/cpu/reference_fallback.h"

#include <algorithm>
#include <cmath>

#include "devices/parallel.h"

namespace hat::cpu {

bool is_reference_implementation(const std::string& impl_info) {
  return impl_info.rfind("ref", 0) == 0;
}

void relu_loop(const float* x, float* y, int64_t n) {
  parallel_chunks(n, 1, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) y[i] = std::max(x[i], 0.0f);
  });
}

void softmax_rows_loop(float* x, int64_t rows, int64_t width, bool log) {
  parallel_chunks(rows, width, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float* row = x + r * width;
      float m = row[0];
#pragma omp simd reduction(max : m)
      for (int64_t i = 0; i < width; ++i) m = std::max(m, row[i]);
      float s = 0;
      if (log) {
        for (int64_t i = 0; i < width; ++i) s += std::exp(row[i] - m);
        const float shift = m + std::log(s);
#pragma omp simd
        for (int64_t i = 0; i < width; ++i) row[i] -= shift;
      } else {
        for (int64_t i = 0; i < width; ++i) s += row[i] = std::exp(row[i] - m);
        const float inverse = 1.0f / s;
#pragma omp simd
        for (int64_t i = 0; i < width; ++i) row[i] *= inverse;
      }
    }
  });
}

}  // namespace hat::cpu
