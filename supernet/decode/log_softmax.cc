// Row-wise log-softmax (see log_softmax.h).
#include "supernet/decode/log_softmax.h"

#include <algorithm>
#include <cmath>

#include "devices/cpu/dnnl_context.h"

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

// f32 on oneDNN's log-softmax: vectorised exponentials (the loop above calls scalar expf, a
// visible share of a decoder step over a 32k vocabulary). In place is allowed.
void log_softmax_rows_dnnl(const Tensor& x) {
  struct Primitive {
    dnnl::memory::desc md;
    dnnl::logsoftmax_forward forward;
  };
  static cpu::PrimitiveCache<Primitive> cache;
  const int64_t rows = x.size(0), V = x.size(1);
  const Primitive p = cache.get({rows, V}, [&] {
    Primitive q;
    q.md = cpu::memory_desc(Shape{rows, V}, Shape{V, 1}, DType::f32);
    q.forward = dnnl::logsoftmax_forward(dnnl::logsoftmax_forward::primitive_desc(
        dnnl::logsoftmax_forward::desc(dnnl::prop_kind::forward_inference, q.md, 1),
        cpu::engine()));
    return q;
  });
  const dnnl::memory m = cpu::memory(p.md, x);
  p.forward.execute(cpu::stream(), {{DNNL_ARG_SRC, m}, {DNNL_ARG_DST, m}});
  cpu::stream().wait();
}

}  // namespace

void log_softmax_rows_inplace(const Tensor& x) {
  HAT_CHECK(x.defined() && x.dim() == 2 && x.is_contiguous() && x.size(1) >= 1 &&
                (x.dtype() == DType::f32 || x.dtype() == DType::f64),
            "log_softmax_rows_inplace: x must be dense f32 or f64 [N, V >= 1], got ",
            x.defined() ? x.describe() : std::string("undefined"));
  if (x.dtype() == DType::f32) {
    try {
      log_softmax_rows_dnnl(x);
    } catch (const dnnl::error& e) {
      cpu::rethrow_dnnl("log_softmax_rows_inplace", e);
    }
  }
  else
    log_softmax_rows<double>(x);
}

}  // namespace hat
