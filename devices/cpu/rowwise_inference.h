// oneDNN's softmax and logsoftmax run alike at inference: over the rows of a [rows, width] f32
// tensor, in place, with the primitive built once per shape and thread count. Where oneDNN has
// only its reference implementation (arm64 without SVE), our row loop runs instead
// (reference_fallback.h).
#pragma once

#include <cstdint>
#include <type_traits>

#include "devices/cpu/dnnl_context.h"
#include "devices/cpu/implementation_log.h"
#include "devices/cpu/reference_fallback.h"
#include "devices/threads.h"

namespace hat::cpu {

// Runs `Forward` (dnnl::softmax_forward or dnnl::logsoftmax_forward) over axis 1 of the 2-D `x`,
// in place. Each Forward keeps its own cache; a oneDNN error is rethrown naming `op`.
template <typename Forward>
void rowwise_inference_inplace(const Tensor& x, const char* op) {
  struct Entry {
    dnnl::memory::desc md;
    Forward forward;
    std::string own_loop;  // own_loop_in_place_of(pd): our loop runs when not empty
  };
  static PrimitiveCache<Entry> cache;
  try {
    const int64_t rows = x.size(0), width = x.size(1);
    const Entry e = cache.get({rows, width, num_threads()}, [&] {
      Entry entry;
      entry.md = memory_desc(Shape{rows, width}, Shape{width, 1}, DType::f32);
      const typename Forward::primitive_desc pd(
          typename Forward::desc(dnnl::prop_kind::forward_inference, entry.md, 1), engine());
      entry.own_loop = own_loop_in_place_of(pd);
      if (entry.own_loop.empty()) entry.forward = Forward(pd);
      return entry;
    });
    if (!e.own_loop.empty()) {
      note_implementation(e.own_loop);
      softmax_rows_loop(x.data<float>(), rows, width,
                        std::is_same_v<Forward, dnnl::logsoftmax_forward>);
      return;
    }
    const dnnl::memory m = memory(e.md, x);
    run_primitive(e.forward, {{DNNL_ARG_SRC, m}, {DNNL_ARG_DST, m}});
  } catch (const dnnl::error& e) {
    rethrow_dnnl(op, e);
  }
}

}  // namespace hat::cpu
