// PackedMatrix on the CPU backend (see devices/packed_matmul.h).
#include <cstring>

#include "devices/cpu/dnnl_context.h"
#include "devices/matmul.h"
#include "devices/packed_matmul.h"
#include "devices/threads.h"

namespace hat {

struct PackedMatrix::Impl {
  dnnl::memory packed;       // f32: the blocked copy (owns its buffer)
  cpu::PrimitiveKey layout;  // f32: the blocked layout's description, for primitive keys
  Tensor dense;              // f64: a dense [K, N] copy
};

namespace {

// The rows a decoder step multiplies (beam x sentences); the blocked layout oneDNN picks for
// them serves any row count.
constexpr int64_t kTypicalRows = 8;

// Every field of a blocked memory descriptor, so that equal keys mean equal layouts.
cpu::PrimitiveKey layout_key(const dnnl::memory::desc& desc) {
  const dnnl_memory_desc_t& d = desc.data;
  HAT_CHECK(d.format_kind == dnnl_blocked, "PackedMatrix: oneDNN chose a non-blocked layout");
  const dnnl_blocking_desc_t& b = d.format_desc.blocking;
  cpu::PrimitiveKey key{d.ndims, b.inner_nblks, static_cast<int64_t>(d.extra.flags)};
  for (int i = 0; i < d.ndims; ++i) key.insert(key.end(), {d.dims[i], d.padded_dims[i], b.strides[i]});
  for (int i = 0; i < b.inner_nblks; ++i) key.insert(key.end(), {b.inner_blks[i], b.inner_idxs[i]});
  return key;
}

struct PackedPrimitive {
  dnnl::matmul primitive;
  dnnl::memory::desc a, c, bias, scratch;
};

cpu::PrimitiveCache<PackedPrimitive>& packed_cache() {
  static cpu::PrimitiveCache<PackedPrimitive> cache;
  return cache;
}

void check(const Tensor& a, const PackedMatrix& b, const Tensor& c, const Tensor* bias) {
  const auto where = [&] {
    return str("a ", a.describe(), ", b packed [", b.rows(), ", ", b.cols(), "], c ", c.describe());
  };
  HAT_CHECK(b.defined(), "matmul_packed: b is not packed");
  HAT_CHECK(a.dim() == 2 && c.dim() == 2 && a.stride(1) == 1 && c.stride(1) == 1,
            "matmul_packed: a and c must be [M, K] and [M, N] with dense rows: ", where());
  HAT_CHECK(a.dtype() == b.dtype() && c.dtype() == b.dtype(),
            "matmul_packed: operands need one floating type: ", where());
  HAT_CHECK(a.size(1) == b.rows() && c.size(0) == a.size(0) && c.size(1) == b.cols(),
            "matmul_packed: shapes do not match: ", where());
  if (bias)
    HAT_CHECK(bias->dim() == 1 && bias->size(0) == b.cols() && bias->dtype() == c.dtype(),
              "matmul_packed: bias ", bias->describe(), " does not match ", where());
}

}  // namespace

PackedMatrix PackedMatrix::pack(const Tensor& b) {
  HAT_CHECK(b.defined() && b.dim() == 2 && b.device() == Device::cpu &&
                (b.dtype() == DType::f32 || b.dtype() == DType::f64),
            "PackedMatrix: b must be an f32 or f64 [K, N] CPU matrix, got ",
            b.defined() ? b.describe() : std::string("undefined"));
  PackedMatrix m;
  m.rows_ = b.size(0);
  m.cols_ = b.size(1);
  m.dtype_ = b.dtype();
  auto impl = std::make_shared<Impl>();
  if (b.dtype() == DType::f64) {
    impl->dense = Tensor::zeros(b.shape(), DType::f64);
    impl->dense.copy_from(b);
  } else {
    try {
      using dt = dnnl::memory::data_type;
      using tag = dnnl::memory::format_tag;
      const int64_t K = m.rows_, N = m.cols_;
      const dnnl::memory::desc a({kTypicalRows, K}, dt::f32, tag::ab);
      const dnnl::memory::desc any({K, N}, dt::f32, tag::any);
      const dnnl::memory::desc c({kTypicalRows, N}, dt::f32, tag::ab);
      const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, any, c), cpu::engine());
      impl->packed = dnnl::memory(pd.weights_desc(), cpu::engine());  // owns its buffer
      impl->layout = layout_key(pd.weights_desc());
      dnnl::memory source = cpu::memory(b);
      cpu::run_primitive(dnnl::reorder(source, impl->packed),
                         {{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, impl->packed}});
    } catch (const dnnl::error& e) {
      cpu::rethrow_dnnl("PackedMatrix::pack", e);
    }
  }
  m.impl_ = std::move(impl);
  return m;
}

void matmul_packed(const Tensor& a, const PackedMatrix& b, const Tensor& c, const Tensor* bias) {
  check(a, b, c, bias);
  if (c.numel() == 0) return;
  if (b.dtype() == DType::f64) {
    matmul(a, b.impl().dense, c, 1.0, 0.0, bias);
    return;
  }
  // oneDNN 2.6's fast kernels take only dense rows with blocked weights (with strided rows it
  // falls back to its reference loop, 1000 times slower); strided operands go through dense
  // copies, which at a decoder step's few rows cost far less.
  if (!a.is_contiguous() || !c.is_contiguous()) {
    const Tensor a_dense = a.is_contiguous() ? a : Tensor::zeros(a.shape(), a.dtype());
    if (!a.is_contiguous()) a_dense.copy_from(a);
    const Tensor c_dense = c.is_contiguous() ? c : Tensor::zeros(c.shape(), c.dtype());
    matmul_packed(a_dense, b, c_dense, bias);
    if (!c.is_contiguous()) c.copy_from(c_dense);
    return;
  }
  try {
    cpu::PrimitiveKey key = b.impl().layout;
    cpu::append_key(key, a);
    cpu::append_key(key, c);
    key.push_back(bias ? bias->stride(0) : -1);
    key.push_back(num_threads());
    const PackedPrimitive entry = packed_cache().get(key, [&] {
      PackedPrimitive p;
      p.a = cpu::memory_desc(a);
      p.c = cpu::memory_desc(c);
      if (bias)
        p.bias = cpu::memory_desc(Shape{1, bias->size(0)},
                                  Shape{bias->size(0) * bias->stride(0), bias->stride(0)}, DType::f32);
      const dnnl::matmul::primitive_desc pd(
          dnnl::matmul::desc(p.a, b.impl().packed.get_desc(), p.bias, p.c),
          cpu::user_scratchpad_attr(), cpu::engine());
      p.scratch = pd.scratchpad_desc();
      p.primitive = dnnl::matmul(pd);
      return p;
    });
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, cpu::memory(entry.a, a)},
                                               {DNNL_ARG_WEIGHTS, b.impl().packed},
                                               {DNNL_ARG_DST, cpu::memory(entry.c, c)},
                                               {DNNL_ARG_SCRATCHPAD, cpu::scratchpad(entry.scratch)}};
    if (bias) args.emplace(DNNL_ARG_BIAS, cpu::memory(entry.bias, *bias));
    cpu::run_primitive(entry.primitive, args);
  } catch (const dnnl::error& e) {
    cpu::rethrow_dnnl("matmul_packed", e);
  }
}

}  // namespace hat
