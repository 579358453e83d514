// Attention of one query position per row, as a decoder step needs it: each row's query heads
// against a block of cached keys/values. At beam sizes the work is tiny (5 rows x 4 heads x 30
// keys x 64 dims), so one loop nest here costs less than the batched matmul and softmax calls
// the training path makes (each call's fixed overhead is larger than its arithmetic).
#pragma once

#include <cstdint>
#include <vector>

#include "devices/tensor.h"

namespace hat::decode {

// q:   [R, Q] (rows may be strided), Q = heads * dh
// kv:  [blocks, capacity, 2Q] dense, keys in columns [0, Q) and values in [Q, 2Q); block
//      b = r / rows_per_block serves query row r, and its first `keys` positions are read
// out: [R, Q] (rows may be strided); out_h = softmax(q_h k_h^T / sqrt(dh)) v_h per head h.
// Masking (encoder-decoder attention over n concatenated encoder outputs of S positions each):
// with valid_lengths given, key j of block b takes part only when j % segment < valid_lengths[b].
// Every row must keep at least one key.
void decode_attention_forward(const Tensor& q, const Tensor& kv, int64_t rows_per_block,
                              int64_t keys, int64_t heads, const Tensor& out,
                              int64_t segment = 0,
                              const std::vector<int32_t>* valid_lengths = nullptr);

}  // namespace hat::decode
