// Layer norm on the CPU: oneDNN's layer_normalization (forward_training / backward), primitives
// cached per shape. The op's checks and f64 reference are in supernet/ops/layer_norm.cc.
#include <memory>
#include <vector>

#include "devices/cpu/cpu_kernels.h"
#include "devices/cpu/dnnl_context.h"
#include "devices/threads.h"

namespace hat::cpu {

namespace {

const dnnl::normalization_flags kAffine =
    dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;

// Descriptors of one shape: x/y/dx as [rows, d], statistics [rows], gamma/beta [d].
struct Descs {
  dnnl::memory::desc data, stat, param;
};
Descs descs(int64_t rows, int64_t d) {
  return {memory_desc(Shape{rows, d}, Shape{d, 1}, DType::f32),
          memory_desc(Shape{rows}, Shape{1}, DType::f32),
          memory_desc(Shape{d}, Shape{1}, DType::f32)};
}

dnnl::layer_normalization_forward::primitive_desc forward_pd(const Descs& m, float eps) {
  const dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_training, m.data,
                                                     m.stat, eps, kAffine);
  return dnnl::layer_normalization_forward::primitive_desc(desc, engine());
}

struct ForwardEntry {
  Descs m;
  dnnl::layer_normalization_forward primitive;
};
struct BackwardEntry {
  Descs m;
  dnnl::layer_normalization_backward primitive;
};

ForwardEntry forward_primitive(int64_t rows, int64_t d, float eps) {
  static PrimitiveCache<ForwardEntry> cache;
  return cache.get({rows, d, float_bits(eps), num_threads()}, [&] {
    const Descs m = descs(rows, d);
    return ForwardEntry{m, dnnl::layer_normalization_forward(forward_pd(m, eps))};
  });
}

// prop_kind::backward (dx, dgamma, dbeta together): oneDNN 2.6 has no backward_data
// implementation with use_scale, so dgamma and dbeta are always computed.
BackwardEntry backward_primitive(int64_t rows, int64_t d, float eps) {
  static PrimitiveCache<BackwardEntry> cache;
  return cache.get({rows, d, float_bits(eps), num_threads()}, [&] {
    const Descs m = descs(rows, d);
    const dnnl::layer_normalization_backward::desc desc(dnnl::prop_kind::backward, m.data, m.data,
                                                        m.stat, eps, kAffine);
    return BackwardEntry{m, dnnl::layer_normalization_backward(
                                dnnl::layer_normalization_backward::primitive_desc(
                                    desc, engine(), forward_pd(m, eps)))};
  });
}

// oneDNN wants gamma dense; a strided view is copied (d elements).
Tensor dense(const Tensor& t) { return t.stride(0) == 1 || t.size(0) <= 1 ? t : t.clone(); }

// p[i * stride] += src[i]: adds a dense scratch vector into a (strided) parameter gradient.
void add_vector(const Tensor& p, const float* src) {
  float* dst = p.data<float>();
  const int64_t n = p.size(0), stride = p.stride(0);
  for (int64_t i = 0; i < n; ++i) dst[i * stride] += src[i];
}

}  // namespace

void CpuKernels::layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                    float eps, const Tensor& y, const Tensor& mean,
                                    const Tensor& variance) const {
  try {
    const ForwardEntry& p = forward_primitive(x.size(0), x.size(1), eps);
    const Tensor g = dense(gamma), b = dense(beta);
    run_primitive(p.primitive, {{DNNL_ARG_SRC, memory(p.m.data, x)},
                                {DNNL_ARG_DST, memory(p.m.data, y)},
                                {DNNL_ARG_SCALE, memory(p.m.param, g)},
                                {DNNL_ARG_SHIFT, memory(p.m.param, b)},
                                {DNNL_ARG_MEAN, memory(p.m.stat, mean)},
                                {DNNL_ARG_VARIANCE, memory(p.m.stat, variance)}});
  } catch (const dnnl::error& e) {
    rethrow_dnnl("layer_norm", e);
  }
}

// oneDNN writes diff_src, diff_scale and diff_shift. Writing dx, diff_src is dx itself;
// adding, it is a scratch buffer then added into dx. dgamma and dbeta (possibly strided) are
// always added from scratch. With use_shift oneDNN also insists on a SHIFT argument, which the
// backward never reads: a zero vector stands in for beta.
void CpuKernels::layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean,
                                     const Tensor& variance, float eps, const Tensor& dy,
                                     const Tensor& dx, const Tensor& dgamma, const Tensor& dbeta,
                                     bool write_dx) const {
  try {
    const int64_t rows = x.size(0), d = x.size(1);
    const BackwardEntry& e = backward_primitive(rows, d, eps);
    const Descs& m = e.m;
    const Tensor g = dense(gamma);
    const bool direct = write_dx && dx.defined();
    std::unique_ptr<float[]> diff_src(direct ? nullptr : new float[rows * d]);
    std::vector<float> diff_scale(d), diff_shift(d), unused_shift(d, 0.0f);
    const auto scratch = [&](const dnnl::memory::desc& md, float* p) {
      return dnnl::memory(md, engine(), p);
    };
    run_primitive(e.primitive, {{DNNL_ARG_SRC, memory(m.data, x)},
                                {DNNL_ARG_MEAN, memory(m.stat, mean)},
                                {DNNL_ARG_VARIANCE, memory(m.stat, variance)},
                                {DNNL_ARG_DIFF_DST, memory(m.data, dy)},
                                {DNNL_ARG_SCALE, memory(m.param, g)},
                                {DNNL_ARG_SHIFT, scratch(m.param, unused_shift.data())},
                                {DNNL_ARG_DIFF_SRC, direct ? memory(m.data, dx)
                                                           : scratch(m.data, diff_src.get())},
                                {DNNL_ARG_DIFF_SCALE, scratch(m.param, diff_scale.data())},
                                {DNNL_ARG_DIFF_SHIFT, scratch(m.param, diff_shift.data())}});
    if (dx.defined() && !direct) {
      float* pdx = dx.data<float>();
      const float* s = diff_src.get();
#pragma omp parallel for
      for (int64_t i = 0; i < rows * d; ++i) pdx[i] += s[i];
    }
    if (dgamma.defined()) add_vector(dgamma, diff_scale.data());
    if (dbeta.defined()) add_vector(dbeta, diff_shift.data());
  } catch (const dnnl::error& e) {
    rethrow_dnnl(write_dx ? "layer_norm_backward_write" : "layer_norm_backward", e);
  }
}

}  // namespace hat::cpu
