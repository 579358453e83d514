// Sinusoidal position table and its broadcast add (own loops: a plain element-wise add).
//
// Followed: fairseq/modules/sinusoidal_positional_embedding.py (facebookresearch/fairseq),
// SinusoidalPositionalEmbedding.get_embedding, which HAT's transformer_super.py uses through
// PositionalEmbedding(max_positions, super_embed_dim, padding_idx) and then slices with
// positions[..., :sample_embed_dim]:
//   half_dim = embedding_dim // 2;  emb = log(10000) / (half_dim - 1)
//   emb = exp(arange(half_dim) * -emb);  emb = arange(num_embeddings)[:, None] * emb[None, :]
//   emb = cat([sin(emb), cos(emb)], dim=1);  zero column appended if embedding_dim is odd
//   emb[padding_idx, :] = 0
// and utils.make_positions: non-pad tokens are numbered from padding_idx + 1.
// fairseq evaluates the table in float32; we evaluate it in double and round once.
#include "supernet/ops/positions.h"

#include <cmath>

#include "devices/parallel.h"
#include "supernet/ops/rows.h"

namespace hat::ops {

namespace {

template <typename T>
void fill_table(const Tensor& table, int64_t padding_idx) {
  const int64_t rows = table.size(0), width = table.size(1), half = width / 2;
  const double step = std::log(10000.0) / static_cast<double>(half - 1);
  T* out = table.data<T>();
#pragma omp parallel for
  for (int64_t p = 0; p < rows; ++p) {
    T* row = out + p * width;
    if (p == padding_idx) continue;  // stays zero
    for (int64_t j = 0; j < half; ++j) {
      const double angle = static_cast<double>(p) * std::exp(-static_cast<double>(j) * step);
      row[j] = static_cast<T>(std::sin(angle));
      row[half + j] = static_cast<T>(std::cos(angle));
    }
    // An odd width leaves its last column zero (Tensor::zeros).
  }
}

template <typename T>
void add_rows(const Tensor& x, const Tensor& table, int64_t first, const Tensor& y) {
  const int64_t batch = x.size(0), time = x.size(1), width = x.size(2);
  const int64_t row = table.stride(0), col = table.stride(1);
  const T* px = x.data<T>();
  const T* pt = table.data<T>() + first * row;
  T* py = y.data<T>();
  parallel_chunks(batch * time, width, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T* pos = pt + (r % time) * row;
      for (int64_t c = 0; c < width; ++c) py[r * width + c] = px[r * width + c] + pos[c * col];
    }
  });
}

}  // namespace

Tensor sinusoidal_table(int64_t num_positions, int64_t max_dim, int64_t padding_idx,
                        DType dtype) {
  HAT_CHECK(num_positions >= 0, "sinusoidal_table: negative number of positions ",
            num_positions);
  // half - 1 divides: fairseq yields NaN/inf for widths 2 and 3, so we refuse them.
  HAT_CHECK(max_dim >= 4, "sinusoidal_table: width ", max_dim,
            " is too small (needs at least 4: the frequencies divide by max_dim / 2 - 1)");
  HAT_CHECK(padding_idx < num_positions, "sinusoidal_table: padding_idx ", padding_idx,
            " is outside a table of ", num_positions, " positions");
  HAT_CHECK(dtype == DType::f32 || dtype == DType::f64, "sinusoidal_table: type ",
            dtype_name(dtype), " is not f32 or f64");
  Tensor table = Tensor::zeros({num_positions, max_dim}, dtype);
  if (dtype == DType::f32)
    fill_table<float>(table, padding_idx);
  else
    fill_table<double>(table, padding_idx);
  return table;
}

void add_positions_forward(const Tensor& x, const Tensor& table, int64_t first_position,
                           Tensor& y) {
  HAT_CHECK(x.defined() && x.dim() == 3, "add_positions: x must be [B, T, d], got ",
            x.describe());
  HAT_CHECK(x.is_contiguous(), "add_positions: x must be dense, got ", x.describe());
  HAT_CHECK(table.defined() && table.dim() == 2, "add_positions: table must be [P, max_dim], got ",
            table.describe());
  HAT_CHECK(x.dtype() == DType::f32 || x.dtype() == DType::f64,
            "add_positions: x must be f32 or f64, got ", x.describe());
  HAT_CHECK(table.dtype() == x.dtype(), "add_positions: x ", x.describe(), " and table ",
            table.describe(), " differ in type");
  HAT_CHECK(x.size(2) <= table.size(1), "add_positions: x ", x.describe(),
            " is wider than the position table ", table.describe());
  const int64_t time = x.size(1);
  HAT_CHECK(first_position >= 0 && first_position + time <= table.size(0),
            "add_positions: positions [", first_position, ", ", first_position + time,
            ") for x ", x.describe(), " fall outside the table ", table.describe());
  ensure_shape(y, x.shape(), x.dtype(), "add_positions", "y");
  HAT_CHECK(y.is_contiguous(), "add_positions: y must be dense, got ", y.describe());
  if (x.numel() == 0) return;
  // Element-wise: y may be x itself.
  if (x.dtype() == DType::f32)
    add_rows<float>(x, table, first_position, y);
  else
    add_rows<double>(x, table, first_position, y);
}

void add_positions_backward(const Tensor& dy, const Tensor& dx) {
  HAT_CHECK(dy.defined() && dy.dim() == 3, "add_positions_backward: dy must be [B, T, d], got ",
            dy.describe());
  if (dx.defined()) add_into(dx, dy, "add_positions_backward");  // dx += dy
}

}  // namespace hat::ops
