// Row-wise log-softmax (see log_softmax.h): checks, the f64 reference loop, and f32 through the
// tensor's backend (devices/kernels.h; devices/cpu/log_softmax_cpu.cc).
#include "supernet/ops/log_softmax.h"

#include <algorithm>
#include <cmath>

#include "devices/kernels.h"

namespace hat::ops {

namespace {

void log_softmax_rows_f64(const Tensor& x) {
  const int64_t rows = x.size(0), V = x.size(1);
  double* p = x.data<double>();
#pragma omp parallel for if (rows > 1)
  for (int64_t r = 0; r < rows; ++r) {
    double* row = p + r * V;
    double m = row[0];
    for (int64_t j = 1; j < V; ++j) m = std::max(m, row[j]);
    double sum = 0;
    for (int64_t j = 0; j < V; ++j) sum += std::exp(row[j] - m);
    const double lse = m + std::log(sum);
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
    kernels(x.device()).log_softmax_inplace(x);
  else
    log_softmax_rows_f64(x);
}

}  // namespace hat::ops
