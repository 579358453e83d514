// Attention of one query position per row, as a decoder step needs it: each row's query heads
// against that row's keys/values. At beam sizes the work is tiny (5 rows x 4 heads x 30 keys x
// 64 dims), so one loop nest here costs less than the batched matmul and softmax calls the
// training path makes (each call's fixed overhead is larger than its arithmetic).
//
// Each form below says where row r's keys and values are. out_h = softmax(q_h k_h^T / sqrt(dh))
// v_h per head h, with q, out: [R, Q] (rows may be strided), Q = heads * dh.
#pragma once

#include <cstdint>
#include <vector>

#include "devices/tensor.h"

namespace hat::decode {

// Encoder-decoder attention, keys stored transposed per block so that a row's scores vectorize
// over keys: k_t [blocks, Q, keys] and v [blocks, keys, Q], both dense; row r reads block
// row_blocks[r]. Masking (n concatenated encoder outputs of `segment` positions each): key j of
// block b takes part only when j % segment < valid_lengths[b], and every block keeps one key.
void cross_attention_forward(const Tensor& q, const Tensor& k_t, const Tensor& v,
                             const std::vector<int64_t>& row_blocks, int64_t heads,
                             const Tensor& out, int64_t segment,
                             const std::vector<int32_t>& valid_lengths);

// Self-attention over a cache that is never moved (see step_cache.h): step_kv[s] is [rows_s, 2Q]
// dense, the keys/values of the rows alive at step s, and row r's key s is row
// ancestry[r * ancestry_stride + s] of step_kv[s]. Every row attends to all step_kv.size() steps.
void step_attention_forward(const Tensor& q, const std::vector<Tensor>& step_kv,
                            const int32_t* ancestry, int64_t ancestry_stride, int64_t heads,
                            const Tensor& out);

}  // namespace hat::decode
