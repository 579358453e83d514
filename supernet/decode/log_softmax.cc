// Row-wise log-softmax (see log_softmax.h).
#include "supernet/decode/log_softmax.h"

#include <algorithm>
#include <cmath>

namespace hat {

namespace {

template <typename T>
void log_softmax_rows(const Tensor& x) {
  const int64_t rows = x.size(0), V = x.size(1);
  T* p = x.data<T>();
#pragma omp parallel for if (rows > 1)
  for (int64_t r = 0; r < rows; ++r) {
    T* row = p + r * V;
    T m = row[0];
    for (int64_t j = 1; j < V; ++j) m = std::max(m, row[j]);
    double sum = 0;
    for (int64_t j = 0; j < V; ++j) sum += static_cast<double>(std::exp(row[j] - m));
    const T lse = static_cast<T>(static_cast<double>(m) + std::log(sum));
    for (int64_t j = 0; j < V; ++j) row[j] -= lse;
  }
}

}  // namespace

void log_softmax_rows_inplace(const Tensor& x) {
  HAT_CHECK(x.defined() && x.dim() == 2 && x.is_contiguous() && x.size(1) >= 1 &&
                (x.dtype() == DType::f32 || x.dtype() == DType::f64),
            "log_softmax_rows_inplace: x must be dense f32 or f64 [N, V >= 1], got ",
            x.defined() ? x.describe() : std::string("undefined"));
  if (x.dtype() == DType::f32)
    log_softmax_rows<float>(x);
  else
    log_softmax_rows<double>(x);
}

}  // namespace hat
