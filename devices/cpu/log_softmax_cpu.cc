// Log-softmax on the CPU: oneDNN's logsoftmax (vectorised exponentials; a scalar expf loop is a
// visible share of a decoder step over a 32k vocabulary), in place, primitives cached per shape
// and thread count.
#include "devices/cpu/cpu_kernels.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/threads.h"

namespace hat::cpu {

void CpuKernels::log_softmax_inplace(const Tensor& x) const {
  struct Primitive {
    dnnl::memory::desc md;
    dnnl::logsoftmax_forward forward;
  };
  static PrimitiveCache<Primitive> cache;
  try {
    const int64_t rows = x.size(0), V = x.size(1);
    const Primitive p = cache.get({rows, V, num_threads()}, [&] {
      Primitive q;
      q.md = memory_desc(Shape{rows, V}, Shape{V, 1}, DType::f32);
      q.forward = dnnl::logsoftmax_forward(dnnl::logsoftmax_forward::primitive_desc(
          dnnl::logsoftmax_forward::desc(dnnl::prop_kind::forward_inference, q.md, 1),
          engine()));
      return q;
    });
    const dnnl::memory m = memory(p.md, x);
    p.forward.execute(stream(), {{DNNL_ARG_SRC, m}, {DNNL_ARG_DST, m}});
    stream().wait();
  } catch (const dnnl::error& e) {
    rethrow_dnnl("log_softmax_rows_inplace", e);
  }
}

}  // namespace hat::cpu
