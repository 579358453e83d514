// CPU matmul: oneDNN for f32 (output scale for alpha, sum post-op for beta), a reference loop
// for f64 since oneDNN has no f64 CPU matmul.
#include "devices/cpu/dnnl_context.h"
#include "devices/matmul.h"
#include "devices/threads.h"

namespace hat {

namespace {

void check_operands(const Tensor& a, const Tensor& b, const Tensor& c, double alpha,
                    const Tensor* bias) {
  HAT_CHECK(a.defined() && b.defined() && c.defined(), "matmul: undefined operand");
  const auto where = [&] {
    return str("a ", a.describe(), ", b ", b.describe(), ", c ", c.describe());
  };
  HAT_CHECK(a.dim() >= 2 && a.dim() <= 4 && a.dim() == b.dim() && a.dim() == c.dim(),
            "matmul: operands need the same rank (2 to 4): ", where());
  HAT_CHECK(a.dtype() == b.dtype() && a.dtype() == c.dtype() && a.dtype() != DType::i32,
            "matmul: operands need one floating type: ", where());
  for (int64_t d = 0; d + 2 < a.dim(); ++d)
    HAT_CHECK(a.size(d) == b.size(d) && a.size(d) == c.size(d), "matmul: batch dimension ", d,
              " differs: ", where());
  HAT_CHECK(a.size(-1) == b.size(-2), "matmul: inner sizes differ (", a.size(-1), " vs ",
            b.size(-2), "): ", where());
  HAT_CHECK(c.size(-2) == a.size(-2) && c.size(-1) == b.size(-1),
            "matmul: output shape does not match: ", where());
  if (bias) {
    HAT_CHECK(bias->dim() == 1 && bias->size(0) == c.size(-1) && bias->dtype() == c.dtype(),
              "matmul: bias ", bias->describe(), " does not match output ", c.describe());
    HAT_CHECK(alpha == 1.0, "matmul: a bias needs alpha == 1, got ", alpha);
  }
}

struct MatmulPrimitive {
  dnnl::matmul primitive;
  dnnl::memory::desc a, b, c, bias, scratch;
};

cpu::PrimitiveCache<MatmulPrimitive>& matmul_cache() {
  static cpu::PrimitiveCache<MatmulPrimitive> cache;
  return cache;
}

void matmul_f32(const Tensor& a, const Tensor& b, const Tensor& c, float alpha, float beta,
                const Tensor* bias) {
  cpu::PrimitiveKey key;
  cpu::append_key(key, a);
  cpu::append_key(key, b);
  cpu::append_key(key, c);
  key.push_back(bias ? bias->stride(0) : -1);
  key.push_back(cpu::float_bits(alpha));
  key.push_back(cpu::float_bits(beta));
  key.push_back(num_threads());
  const MatmulPrimitive entry = matmul_cache().get(key, [&] {
    MatmulPrimitive p;
    p.a = cpu::memory_desc(a);
    p.b = cpu::memory_desc(b);
    p.c = cpu::memory_desc(c);
    if (bias) {
      // oneDNN wants the bias with the output's rank: [1, ..., 1, N].
      Shape shape(c.dim(), 1), strides(c.dim(), bias->size(0) * bias->stride(0));
      shape.back() = bias->size(0);
      strides.back() = bias->stride(0);
      p.bias = cpu::memory_desc(shape, strides, DType::f32);
    }
    dnnl::primitive_attr attr = cpu::user_scratchpad_attr();
    if (alpha != 1.0f) attr.set_output_scales(0, {alpha});
    if (beta != 0.0f) {
      dnnl::post_ops ops;
      ops.append_sum(beta);
      attr.set_post_ops(ops);
    }
    dnnl::matmul::desc desc(p.a, p.b, p.bias, p.c);
    const dnnl::matmul::primitive_desc pd(desc, attr, cpu::engine());
    p.scratch = pd.scratchpad_desc();
    p.primitive = dnnl::matmul(pd);
    return p;
  });
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, cpu::memory(entry.a, a)},
                                             {DNNL_ARG_WEIGHTS, cpu::memory(entry.b, b)},
                                             {DNNL_ARG_DST, cpu::memory(entry.c, c)},
                                             {DNNL_ARG_SCRATCHPAD, cpu::scratchpad(entry.scratch)}};
  if (bias) args.emplace(DNNL_ARG_BIAS, cpu::memory(entry.bias, *bias));
  cpu::run_primitive(entry.primitive, args);
}

// Reference loop: c[.., m, n] = alpha * sum_k a[.., m, k] b[.., k, n] + beta * c + bias[n].
void matmul_f64(const Tensor& a, const Tensor& b, const Tensor& c, double alpha, double beta,
                const Tensor* bias) {
  // View every operand as 4-d [B0, B1, M, *] by padding leading unit dimensions.
  auto dims4 = [](const Tensor& t, int64_t* size, int64_t* stride) {
    const int64_t pad = 4 - t.dim();
    for (int64_t d = 0; d < 4; ++d) {
      size[d] = d < pad ? 1 : t.size(d - pad);
      stride[d] = d < pad ? 0 : t.stride(d - pad);
    }
  };
  int64_t as[4], ast[4], bs[4], bst[4], cs[4], cst[4];
  dims4(a, as, ast);
  dims4(b, bs, bst);
  dims4(c, cs, cst);
  const double* pa = a.data<double>();
  const double* pb = b.data<double>();
  double* pc = c.data<double>();
  const double* pbias = bias ? bias->data<double>() : nullptr;
  const int64_t bias_stride = bias ? bias->stride(0) : 0;
  const int64_t M = as[2], K = as[3], N = bs[3];
  const int64_t rows = cs[0] * cs[1] * M;
#pragma omp parallel for
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t i0 = r / (cs[1] * M), i1 = (r / M) % cs[1], m = r % M;
    const double* arow = pa + i0 * ast[0] + i1 * ast[1] + m * ast[2];
    const double* bmat = pb + i0 * bst[0] + i1 * bst[1];
    double* crow = pc + i0 * cst[0] + i1 * cst[1] + m * cst[2];
    for (int64_t n = 0; n < N; ++n) {
      double sum = 0.0;
      for (int64_t k = 0; k < K; ++k) sum += arow[k * ast[3]] * bmat[k * bst[2] + n * bst[3]];
      double& out = crow[n * cst[3]];
      out = alpha * sum + (beta == 0.0 ? 0.0 : beta * out) + (pbias ? pbias[n * bias_stride] : 0.0);
    }
  }
}

}  // namespace

void matmul(const Tensor& a, const Tensor& b, const Tensor& c, double alpha, double beta,
            const Tensor* bias) {
  check_operands(a, b, c, alpha, bias);
  HAT_CHECK(c.device() == Device::cpu, "matmul: no kernel for device ", device_name(c.device()));
  if (c.numel() == 0) return;
  HAT_CHECK(a.size(-1) > 0, "matmul: inner size is 0: a ", a.describe());
  try {
    if (a.dtype() == DType::f32)
      matmul_f32(a, b, c, static_cast<float>(alpha), static_cast<float>(beta), bias);
    else
      matmul_f64(a, b, c, alpha, beta, bias);
  } catch (const dnnl::error& e) {
    cpu::rethrow_dnnl("matmul", e);
  }
}

}  // namespace hat
