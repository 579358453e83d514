// ReLU on the CPU: oneDNN's eltwise_relu over the flat tensor, primitives cached per size; our
// loop where oneDNN has only its reference code (arm64 without SVE: reference_fallback.h).
#include <memory>

#include "devices/cpu/cpu_kernels.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/cpu/implementation_log.h"
#include "devices/cpu/reference_fallback.h"
#include "devices/threads.h"

namespace hat::cpu {

namespace {

struct ReluForward {
  dnnl::eltwise_forward::primitive_desc pd;
  dnnl::eltwise_forward primitive;
  std::string own_loop{};  // own_loop_in_place_of(pd): our loop runs when not empty
};
struct ReluBackward {
  dnnl::eltwise_backward primitive;
};

dnnl::memory::desc flat_desc(int64_t n) { return memory_desc(Shape{n}, Shape{1}, DType::f32); }

dnnl::eltwise_forward::primitive_desc forward_pd(int64_t n) {
  const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_training,
                                         dnnl::algorithm::eltwise_relu, flat_desc(n), 0.0f);
  return dnnl::eltwise_forward::primitive_desc(desc, engine());
}

ReluForward forward_primitive(int64_t n) {
  static PrimitiveCache<ReluForward> cache;
  return cache.get({n, num_threads()}, [&] {
    ReluForward p{forward_pd(n), {}};
    p.own_loop = own_loop_in_place_of(p.pd);
    if (p.own_loop.empty()) p.primitive = dnnl::eltwise_forward(p.pd);
    return p;
  });
}

ReluBackward backward_primitive(int64_t n) {
  static PrimitiveCache<ReluBackward> cache;
  return cache.get({n, num_threads()}, [&] {
    const dnnl::eltwise_backward::desc desc(dnnl::algorithm::eltwise_relu, flat_desc(n),
                                            flat_desc(n), 0.0f);
    return ReluBackward{dnnl::eltwise_backward(
        dnnl::eltwise_backward::primitive_desc(desc, engine(), forward_pd(n)))};
  });
}

}  // namespace

void CpuKernels::relu_forward(const Tensor& x, const Tensor& y) const {
  try {
    const int64_t n = x.numel();
    const ReluForward p = forward_primitive(n);
    if (!p.own_loop.empty()) {
      note_implementation(p.own_loop);
      return relu_loop(x.data<float>(), y.data<float>(), n);
    }
    const dnnl::memory::desc md = flat_desc(n);
    run_primitive(p.primitive, {{DNNL_ARG_SRC, memory(md, x)}, {DNNL_ARG_DST, memory(md, y)}});
  } catch (const dnnl::error& e) {
    rethrow_dnnl("relu", e);
  }
}

// oneDNN's backward writes diff_src; we need dx += ..., so it writes into an uninitialised
// scratch buffer that is then added into dx.
void CpuKernels::relu_backward(const Tensor& x, const Tensor& dy, const Tensor& dx) const {
  try {
    const int64_t n = x.numel();
    const dnnl::memory::desc md = flat_desc(n);
    std::unique_ptr<float[]> scratch(new float[n]);
    run_primitive(backward_primitive(n).primitive,
                  {{DNNL_ARG_SRC, memory(md, x)},
                   {DNNL_ARG_DIFF_DST, memory(md, dy)},
                   {DNNL_ARG_DIFF_SRC, dnnl::memory(md, engine(), scratch.get())}});
    const float* s = scratch.get();
    float* d = dx.data<float>();
#pragma omp parallel for
    for (int64_t i = 0; i < n; ++i) d[i] += s[i];
  } catch (const dnnl::error& e) {
    rethrow_dnnl("relu_backward", e);
  }
}

}  // namespace hat::cpu
