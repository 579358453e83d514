#include "supernet/decode/decode_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "devices/error.h"
#include "devices/parallel.h"

namespace hat::decode {

namespace {

// Self-attention over keys found through key_row(r, j), the address of row r's key j (its value
// follows Q elements later): one dot product per key (the keys of a row lie in different blocks).
template <typename T, typename KeyRow>
void attend_rows(const Tensor& q, int64_t keys, int64_t heads, const Tensor& out, KeyRow key_row) {
  const int64_t R = q.size(0), Q = q.size(1), dh = Q / heads;
  const int64_t q_stride = q.stride(0), out_stride = out.stride(0);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dh)));
  const T* qp = q.data<T>();
  T* op = out.data<T>();
  parallel_chunks(R * heads, 2 * keys * dh, [&](int64_t begin, int64_t end) {
    std::vector<T> scores(static_cast<size_t>(keys));
    std::vector<const T*> rows(static_cast<size_t>(keys));
    for (int64_t task = begin; task < end; ++task) {
      const int64_t r = task / heads, h = task % heads;
      const T* qh = qp + r * q_stride + h * dh;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t j = 0; j < keys; ++j) {
        rows[j] = key_row(r, j);
        const T* kj = rows[j] + h * dh;
        T dot = 0;
#pragma omp simd reduction(+ : dot)
        for (int64_t i = 0; i < dh; ++i) dot += qh[i] * kj[i];
        scores[j] = dot * scale;
        m = std::max(m, scores[j]);
      }
      T sum = 0;
      for (int64_t j = 0; j < keys; ++j) sum += scores[j] = std::exp(scores[j] - m);
      T* oh = op + r * out_stride + h * dh;
      std::fill(oh, oh + dh, T(0));
      for (int64_t j = 0; j < keys; ++j) {
        const T p = scores[j] / sum;
        const T* vj = rows[j] + Q + h * dh;
#pragma omp simd
        for (int64_t i = 0; i < dh; ++i) oh[i] += p * vj[i];
      }
    }
  });
}

void check_query(const Tensor& q, int64_t heads, const Tensor& out, const std::string& shapes,
                 const char* op) {
  HAT_CHECK(q.dim() == 2 && out.shape() == q.shape() && q.stride(1) == 1 && out.stride(1) == 1 &&
                out.dtype() == q.dtype() && (q.dtype() == DType::f32 || q.dtype() == DType::f64),
            op, ": q and out must be f32 or f64 [R, Q] with dense rows: ", shapes);
  HAT_CHECK(heads >= 1 && q.size(1) % heads == 0, op, ": ", heads, " heads do not split ", shapes);
}

// Scores by rows of k_t (a multiply-add over all keys per query element, no horizontal sums),
// the softmax over each segment's valid keys, values as rows of v.
template <typename T>
void attend_transposed(const Tensor& q, const Tensor& k_t, const Tensor& v,
                       const std::vector<int64_t>& row_blocks, int64_t heads, const Tensor& out,
                       int64_t segment, const std::vector<int32_t>& valid) {
  const int64_t R = q.size(0), Q = q.size(1), dh = Q / heads, keys = k_t.size(2);
  const int64_t q_stride = q.stride(0), out_stride = out.stride(0);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dh)));
  const T *qp = q.data<T>(), *ktp = k_t.data<T>(), *vp = v.data<T>();
  T* op = out.data<T>();
  parallel_chunks(R * heads, 2 * keys * dh, [&](int64_t begin, int64_t end) {
    std::vector<T> scores(static_cast<size_t>(keys));
    for (int64_t task = begin; task < end; ++task) {
      const int64_t r = task / heads, h = task % heads, b = row_blocks[r];
      const int64_t n_valid = valid[b];
      const T* qh = qp + r * q_stride + h * dh;
      const T* kt = ktp + (b * Q + h * dh) * keys;
      T* s = scores.data();
      std::fill(s, s + keys, T(0));
      for (int64_t i = 0; i < dh; ++i) {
        const T qi = qh[i] * scale;
        const T* row = kt + i * keys;
#pragma omp simd
        for (int64_t j = 0; j < keys; ++j) s[j] += qi * row[j];
      }
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t seg = 0; seg < keys; seg += segment)
        for (int64_t j = seg; j < seg + n_valid; ++j) m = std::max(m, s[j]);
      T sum = 0;
      for (int64_t seg = 0; seg < keys; seg += segment)
        for (int64_t j = seg; j < seg + n_valid; ++j) sum += s[j] = std::exp(s[j] - m);
      T* oh = op + r * out_stride + h * dh;
      std::fill(oh, oh + dh, T(0));
      for (int64_t seg = 0; seg < keys; seg += segment)
        for (int64_t j = seg; j < seg + n_valid; ++j) {
          const T p = s[j] / sum;
          const T* vj = vp + (b * keys + j) * Q + h * dh;
#pragma omp simd
          for (int64_t i = 0; i < dh; ++i) oh[i] += p * vj[i];
        }
    }
  });
}

}  // namespace

void cross_attention_forward(const Tensor& q, const Tensor& k_t, const Tensor& v,
                             const std::vector<int64_t>& row_blocks, int64_t heads,
                             const Tensor& out, int64_t segment,
                             const std::vector<int32_t>& valid_lengths) {
  constexpr const char* op = "cross_attention_forward";
  const std::string shapes = str("q ", q.describe(), ", k_t ", k_t.describe(), ", v ",
                                 v.describe(), ", out ", out.describe());
  check_query(q, heads, out, shapes, op);
  HAT_CHECK(k_t.dim() == 3 && k_t.is_contiguous() && k_t.size(1) == q.size(1) &&
                k_t.dtype() == q.dtype() && v.dim() == 3 && v.is_contiguous() &&
                v.dtype() == q.dtype() && v.size(0) == k_t.size(0) && v.size(1) == k_t.size(2) &&
                v.size(2) == q.size(1) && k_t.size(2) >= 1,
            op, ": k_t must be dense [blocks, Q, keys] and v [blocks, keys, Q]: ", shapes);
  const int64_t blocks = k_t.size(0), keys = k_t.size(2);
  HAT_CHECK(static_cast<int64_t>(row_blocks.size()) == q.size(0), op, ": ", row_blocks.size(),
            " row blocks for ", shapes);
  for (int64_t b : row_blocks)
    HAT_CHECK(b >= 0 && b < blocks, op, ": row block ", b, " outside the ", blocks, " blocks: ", shapes);
  HAT_CHECK(segment >= 1 && keys % segment == 0 &&
                static_cast<int64_t>(valid_lengths.size()) == blocks,
            op, ": ", keys, " keys in segments of ", segment, " with ", valid_lengths.size(),
            " valid lengths: ", shapes);
  for (int32_t n : valid_lengths)
    HAT_CHECK(n >= 1 && n <= segment, op, ": a valid length ", n, " outside [1, ", segment, "]: ", shapes);
  if (q.dtype() == DType::f32)
    attend_transposed<float>(q, k_t, v, row_blocks, heads, out, segment, valid_lengths);
  else
    attend_transposed<double>(q, k_t, v, row_blocks, heads, out, segment, valid_lengths);
}

void step_attention_forward(const Tensor& q, const std::vector<Tensor>& step_kv,
                            const int32_t* ancestry, int64_t ancestry_stride, int64_t heads,
                            const Tensor& out) {
  constexpr const char* op = "step_attention_forward";
  const std::string shapes = str("q ", q.describe(), ", ", step_kv.size(), " steps, out ",
                                 out.describe());
  check_query(q, heads, out, shapes, op);
  const int64_t R = q.size(0), steps = static_cast<int64_t>(step_kv.size());
  HAT_CHECK(steps >= 1 && ancestry_stride >= steps, op, ": ", steps, " steps with ancestry rows of ",
            ancestry_stride, ": ", shapes);
  for (int64_t s = 0; s < steps; ++s) {
    const Tensor& block = step_kv[s];
    HAT_CHECK(block.dim() == 2 && block.is_contiguous() && block.size(1) == 2 * q.size(1) &&
                  block.dtype() == q.dtype(),
              op, ": step ", s, " keys/values ", block.describe(), " are not dense [rows, 2Q]: ", shapes);
    for (int64_t r = 0; r < R; ++r) {
      const int32_t a = ancestry[r * ancestry_stride + s];
      HAT_CHECK(a >= 0 && a < block.size(0), op, ": row ", r, " descends from row ", a,
                " of step ", s, ", which has ", block.size(0), " rows: ", shapes);
    }
  }
  const auto run = [&](auto zero) {
    using T = decltype(zero);
    std::vector<const T*> bases(steps);
    for (int64_t s = 0; s < steps; ++s) bases[s] = step_kv[s].data<T>();
    const int64_t width = 2 * q.size(1);
    attend_rows<T>(q, steps, heads, out, [&](int64_t r, int64_t j) -> const T* {
      return bases[j] + ancestry[r * ancestry_stride + j] * width;
    });
  };
  if (q.dtype() == DType::f32) run(0.0f);
  else run(0.0);
}

}  // namespace hat::decode
