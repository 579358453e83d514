// Sinusoidal positional embeddings as fairseq builds them (HAT): one table at the
// SuperTransformer's max width, sliced to the sampled width d.
#pragma once

#include <cstdint>

#include "devices/tensor.h"

namespace hat::ops {

// The [num_positions, max_dim] table of fairseq's SinusoidalPositionalEmbedding.get_embedding:
//   half = max_dim / 2,  f_j = exp(-j ln(10000) / (half - 1))
//   table[p, j] = sin(p f_j) for j < half,  cos(p f_(j - half)) for half <= j < 2 half
//   (a sin block then a cos block, not interleaved), a zero last column when max_dim is odd,
//   and row padding_idx all zeros (padding_idx < 0: no zero row). Needs max_dim >= 4.
Tensor sinusoidal_table(int64_t num_positions, int64_t max_dim, int64_t padding_idx, DType dtype);

// y[b, t, :] = x[b, t, :] + table[first_position + t, :d]
//   x: [B, T, d] dense; table: the full [P, max_dim] table (d <= max_dim); y may alias x.
// fairseq numbers the tokens of a right-padded sentence from padding_idx + 1 (so with its
// default padding_idx = 1 the first token uses row 2); incremental decoding passes
// padding_idx + 1 + step. Positions past the table throw.
void add_positions_forward(const Tensor& x, const Tensor& table, int64_t first_position,
                           Tensor& y);

// dx += dy   (the positions are constants: no parameter gradient)
void add_positions_backward(const Tensor& dy, const Tensor& dx);

}  // namespace hat::ops
