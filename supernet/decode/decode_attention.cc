#include "supernet/decode/decode_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "devices/error.h"

namespace hat::decode {

namespace {

constexpr const char* kOp = "decode_attention_forward";

template <typename T>
void attend(const Tensor& q, const Tensor& kv, int64_t rows_per_block, int64_t keys,
            int64_t heads, const Tensor& out, int64_t segment,
            const std::vector<int32_t>* valid) {
  const int64_t R = q.size(0), Q = q.size(1), dh = Q / heads;
  const int64_t capacity = kv.size(1), kv_row = 2 * Q;
  const int64_t q_stride = q.stride(0), out_stride = out.stride(0);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(dh)));
  const T* qp = q.data<T>();
  const T* kvp = kv.data<T>();
  T* op = out.data<T>();
#pragma omp parallel if (R * heads * keys * dh > 32768)
  {
    std::vector<T> scores(static_cast<size_t>(keys));
#pragma omp for schedule(static)
    for (int64_t task = 0; task < R * heads; ++task) {
      const int64_t r = task / heads, h = task % heads, block = r / rows_per_block;
      const T* qh = qp + r * q_stride + h * dh;
      const T* kbase = kvp + block * capacity * kv_row + h * dh;
      const T* vbase = kbase + Q;
      const int64_t valid_len = valid ? (*valid)[block] : segment;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t j = 0; j < keys; ++j) {
        if (valid && j % segment >= valid_len) {
          scores[j] = -std::numeric_limits<T>::infinity();
          continue;
        }
        const T* kj = kbase + j * kv_row;
        T dot = 0;
#pragma omp simd reduction(+ : dot)
        for (int64_t i = 0; i < dh; ++i) dot += qh[i] * kj[i];
        scores[j] = dot * scale;
        m = std::max(m, scores[j]);
      }
      T sum = 0;
      for (int64_t j = 0; j < keys; ++j) {
        scores[j] = scores[j] == -std::numeric_limits<T>::infinity() ? T(0) : std::exp(scores[j] - m);
        sum += scores[j];
      }
      T* oh = op + r * out_stride + h * dh;
      std::fill(oh, oh + dh, T(0));
      for (int64_t j = 0; j < keys; ++j) {
        if (scores[j] == T(0)) continue;
        const T p = scores[j] / sum;
        const T* vj = vbase + j * kv_row;
#pragma omp simd
        for (int64_t i = 0; i < dh; ++i) oh[i] += p * vj[i];
      }
    }
  }
}

}  // namespace

void decode_attention_forward(const Tensor& q, const Tensor& kv, int64_t rows_per_block,
                              int64_t keys, int64_t heads, const Tensor& out, int64_t segment,
                              const std::vector<int32_t>* valid_lengths) {
  const std::string shapes = str("q ", q.describe(), ", kv ", kv.describe(), ", out ", out.describe());
  HAT_CHECK(q.dim() == 2 && out.shape() == q.shape() && q.stride(1) == 1 && out.stride(1) == 1 &&
                out.dtype() == q.dtype() && kv.dtype() == q.dtype() &&
                (q.dtype() == DType::f32 || q.dtype() == DType::f64),
            kOp, ": q and out must be f32 or f64 [R, Q] with dense rows: ", shapes);
  HAT_CHECK(kv.dim() == 3 && kv.is_contiguous() && kv.size(2) == 2 * q.size(1), kOp,
            ": kv must be dense [blocks, capacity, 2Q]: ", shapes);
  HAT_CHECK(heads >= 1 && q.size(1) % heads == 0, kOp, ": ", heads, " heads do not split ", shapes);
  HAT_CHECK(rows_per_block >= 1 && kv.size(0) * rows_per_block == q.size(0), kOp, ": ",
            rows_per_block, " rows per block do not match ", shapes);
  HAT_CHECK(keys >= 1 && keys <= kv.size(1), kOp, ": ", keys, " keys outside [1, capacity]: ", shapes);
  if (valid_lengths) {
    HAT_CHECK(segment >= 1 && keys % segment == 0 &&
                  static_cast<int64_t>(valid_lengths->size()) == kv.size(0),
              kOp, ": ", keys, " keys in segments of ", segment, " with ",
              valid_lengths->size(), " valid lengths: ", shapes);
    for (int32_t n : *valid_lengths)
      HAT_CHECK(n >= 1, kOp, ": a block with no valid key: ", shapes);
  }
  if (q.dtype() == DType::f32)
    attend<float>(q, kv, rows_per_block, keys, heads, out, segment, valid_lengths);
  else
    attend<double>(q, kv, rows_per_block, keys, heads, out, segment, valid_lengths);
}

}  // namespace hat::decode
