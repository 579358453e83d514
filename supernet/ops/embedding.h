// Token embedding lookup on a sliced table (HAT's EmbeddingSuper uses E[:, :d] of [V, d_max]).
#pragma once

#include <cstdint>

#include "devices/tensor.h"

namespace hat::ops {

// out[..., :] = scale * table[tokens[...], :]
//   tokens: i32, any shape [...] (dense); table: [V, d], any strides (usually the leading
//   block of a [V, d_max] parameter); out: [..., d], same type as table.
// HAT multiplies the embedding by sqrt(d); passing it as `scale` saves a pass.
// A token outside [0, V) throws hat::Error naming its value and position.
void embedding_forward(const Tensor& tokens, const Tensor& table, double scale, Tensor& out);

// dtable[tokens[n], :] += scale * dout[n, :]  for every n with tokens[n] != padding_idx
//   dout: [..., d] dense; dtable: [V, d] view of the gradient buffer (any strides).
// The pad row gets no gradient, as with fairseq's nn.Embedding(padding_idx); padding_idx < 0
// means none. Deterministic under OpenMP: threads own column blocks and each element
// accumulates its contributions in token order, whatever the thread count.
void embedding_backward(const Tensor& tokens, const Tensor& dout, double scale,
                        int64_t padding_idx, const Tensor& dtable);

}  // namespace hat::ops
