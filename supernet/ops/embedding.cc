// Embedding gather and scatter-add: own kernels (oneDNN has no gather), f32 and f64 alike.
#include "supernet/ops/embedding.h"

#include <algorithm>
#include <string>

#include "devices/parallel.h"

namespace hat::ops {

namespace {

// The multi-index of flat element i of a dense tensor of `shape`, printed as "[1, 3]".
std::string index_of(const Shape& shape, int64_t i) {
  Shape index(shape.size(), 0);
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] > 0 ? i % shape[d] : 0;
    i = shape[d] > 0 ? i / shape[d] : 0;
  }
  return str(index);
}

// Throws unless tokens is a dense i32 tensor whose every id lies in [0, vocab).
void check_tokens(const Tensor& tokens, int64_t vocab, const char* op) {
  HAT_CHECK(tokens.defined(), op, ": tokens are undefined");
  HAT_CHECK(tokens.dtype() == DType::i32, op, ": tokens must be i32, got ", tokens.describe());
  HAT_CHECK(tokens.is_contiguous(), op, ": tokens must be dense, got ", tokens.describe());
  const int32_t* ids = tokens.data<int32_t>();
  const int64_t n = tokens.numel();
  for (int64_t i = 0; i < n; ++i)
    HAT_CHECK(ids[i] >= 0 && ids[i] < vocab, op, ": token id ", ids[i], " at position ",
              index_of(tokens.shape(), i), " of tokens ", tokens.describe(),
              " is outside the vocabulary of size ", vocab);
}

void check_table(const Tensor& table, const char* op, const char* name) {
  HAT_CHECK(table.defined() && table.dim() == 2, op, ": ", name, " must be 2-d [V, d], got ",
            table.describe());
  HAT_CHECK(table.dtype() == DType::f32 || table.dtype() == DType::f64, op, ": ", name,
            " must be f32 or f64, got ", table.describe());
}

Shape out_shape(const Tensor& tokens, int64_t width) {
  Shape shape = tokens.shape();
  shape.push_back(width);
  return shape;
}

template <typename T>
void gather_rows(const int32_t* ids, int64_t n, const Tensor& table, T scale, T* out) {
  const int64_t width = table.size(1), row = table.stride(0), col = table.stride(1);
  const T* src = table.data<T>();
  parallel_chunks(n, width, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* e = src + ids[i] * row;
      T* o = out + i * width;
      for (int64_t c = 0; c < width; ++c) o[c] = scale * e[c * col];
    }
  });
}

// Scatter-add by column blocks: the thread that owns columns [c0, c1) walks all tokens in
// order, so no two threads ever write the same element and sums do not depend on threads.
template <typename T>
void scatter_add_rows(const int32_t* ids, int64_t n, const T* dout, T scale, int64_t padding_idx,
                      const Tensor& dtable) {
  constexpr int64_t block = 64 / sizeof(T);  // one cache line of dout per token and block
  const int64_t width = dtable.size(1), row = dtable.stride(0), col = dtable.stride(1);
  const int64_t blocks = (width + block - 1) / block;
  T* dst = dtable.data<T>();
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t c0 = b * block, c1 = std::min(width, c0 + block);
    for (int64_t i = 0; i < n; ++i) {
      if (ids[i] == padding_idx) continue;
      T* g = dst + ids[i] * row;
      const T* d = dout + i * width;
      for (int64_t c = c0; c < c1; ++c) g[c * col] += scale * d[c];
    }
  }
}

}  // namespace

void embedding_forward(const Tensor& tokens, const Tensor& table, double scale, Tensor& out) {
  check_table(table, "embedding", "table");
  check_tokens(tokens, table.size(0), "embedding");
  ensure_shape(out, out_shape(tokens, table.size(1)), table.dtype(), "embedding", "out");
  HAT_CHECK(out.is_contiguous(), "embedding: out must be dense, got ", out.describe());
  const int64_t n = tokens.numel();
  if (n == 0 || table.size(1) == 0) return;
  if (table.dtype() == DType::f32)
    gather_rows<float>(tokens.data<int32_t>(), n, table, static_cast<float>(scale),
                       out.data<float>());
  else
    gather_rows<double>(tokens.data<int32_t>(), n, table, scale, out.data<double>());
}

void embedding_backward(const Tensor& tokens, const Tensor& dout, double scale,
                        int64_t padding_idx, const Tensor& dtable) {
  if (!dtable.defined()) return;
  check_table(dtable, "embedding_backward", "dtable");
  check_tokens(tokens, dtable.size(0), "embedding_backward");
  HAT_CHECK(padding_idx < dtable.size(0), "embedding_backward: padding_idx ", padding_idx,
            " is outside the vocabulary of size ", dtable.size(0), " (dtable ",
            dtable.describe(), ")");
  check_shape(dout, out_shape(tokens, dtable.size(1)), "embedding_backward", "dout");
  HAT_CHECK(dout.dtype() == dtable.dtype(), "embedding_backward: dout ", dout.describe(),
            " and dtable ", dtable.describe(), " differ in type");
  HAT_CHECK(dout.is_contiguous(), "embedding_backward: dout must be dense, got ",
            dout.describe());
  const int64_t n = tokens.numel();
  if (n == 0 || dtable.size(1) == 0) return;
  if (dtable.dtype() == DType::f32)
    scatter_add_rows<float>(tokens.data<int32_t>(), n, dout.data<float>(),
                            static_cast<float>(scale), padding_idx, dtable);
  else
    scatter_add_rows<double>(tokens.data<int32_t>(), n, dout.data<double>(), scale, padding_idx,
                             dtable);
}

}  // namespace hat::ops
