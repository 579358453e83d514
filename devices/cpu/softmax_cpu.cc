// Softmax on the CPU: oneDNN's softmax, primitives cached per shape and thread count. The
// training pair (forward_training with its backward) serves the attention; the forward-only
// primitive serves the in-place cross-entropy, each with its own cache as before the split.
// Where oneDNN has only its reference forward (arm64 without SVE), our row loop runs instead
// (reference_fallback.h); the backward, for training, stays oneDNN's.
#include <cstring>

#include "devices/cpu/cpu_kernels.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/cpu/implementation_log.h"
#include "devices/cpu/reference_fallback.h"
#include "devices/cpu/rowwise_inference.h"
#include "devices/threads.h"

namespace hat::cpu {

namespace {

// Softmax primitives over [rows, width] (axis 1), built once per shape and thread count.
struct SoftmaxPrimitives {
  dnnl::memory::desc md;
  dnnl::softmax_forward forward;
  dnnl::softmax_backward backward;
  std::string own_forward;  // own_loop_in_place_of(forward's pd): our loop runs when not empty
};

SoftmaxPrimitives softmax_primitives(int64_t rows, int64_t width) {
  static PrimitiveCache<SoftmaxPrimitives> cache;
  return cache.get({rows, width, num_threads()}, [&] {
    SoftmaxPrimitives p;
    p.md = memory_desc(Shape{rows, width}, Shape{width, 1}, DType::f32);
    dnnl::softmax_forward::primitive_desc fwd(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_training, p.md, 1), engine());
    dnnl::softmax_backward::primitive_desc bwd(dnnl::softmax_backward::desc(p.md, p.md, 1),
                                               engine(), fwd);
    p.own_forward = own_loop_in_place_of(fwd);
    if (p.own_forward.empty()) p.forward = dnnl::softmax_forward(fwd);
    p.backward = dnnl::softmax_backward(bwd);
    return p;
  });
}

}  // namespace

void CpuKernels::softmax_forward(const Tensor& scores, const Tensor& probs) const {
  try {
    const int64_t width = scores.size(-1), rows = scores.numel() / width;
    const SoftmaxPrimitives& p = softmax_primitives(rows, width);
    if (!p.own_forward.empty()) {
      note_implementation(p.own_forward);
      float* out = probs.data<float>();
      if (out != scores.data<float>())
        std::memcpy(out, scores.data<float>(), sizeof(float) * rows * width);
      return softmax_rows_loop(out, rows, width, /*log=*/false);
    }
    run_primitive(p.forward, {{DNNL_ARG_SRC, memory(p.md, scores)},
                              {DNNL_ARG_DST, memory(p.md, probs)}});
  } catch (const dnnl::error& e) {
    rethrow_dnnl("masked_softmax", e);
  }
}

void CpuKernels::softmax_backward(const Tensor& probs, const Tensor& dprobs,
                                  const Tensor& dscores) const {
  try {
    const int64_t width = probs.size(-1), rows = probs.numel() / width;
    const SoftmaxPrimitives& p = softmax_primitives(rows, width);
    run_primitive(p.backward, {{DNNL_ARG_DST, memory(p.md, probs)},
                               {DNNL_ARG_DIFF_DST, memory(p.md, dprobs)},
                               {DNNL_ARG_DIFF_SRC, memory(p.md, dscores)}});
  } catch (const dnnl::error& e) {
    rethrow_dnnl("softmax_backward", e);
  }
}

void CpuKernels::softmax_inference_inplace(const Tensor& x) const {
  rowwise_inference_inplace<dnnl::softmax_forward>(x, "label_smoothed_cross_entropy_inplace");
}

}  // namespace hat::cpu
