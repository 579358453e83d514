// One attention block of a layer (self-attention, or encoder-decoder attention): Q/K/V
// projections on sliced weights, attention on head views of the projection buffers, and the
// output projection. Fused: self-attention computes q, k and v with one matmul, encoder-decoder
// attention k and v with one.
#pragma once

#include <cstdint>

#include "supernet/model/layer_params.h"
#include "supernet/model/slot.h"
#include "supernet/ops/attention_views.h"

namespace hat::model {

// The shapes and regularisation of one attention call.
struct AttentionCall {
  int64_t batch = 0, tq = 0, tk = 0, heads = 0;
  ops::SegmentedMask mask;
  double dropout = 0;  // on the attention probabilities
  uint64_t seed = 0;
};

// What a block keeps from its forward for its backward (views into its own slots).
struct AttentionState {
  Slot proj_slot, kv_slot, att_slot, probs_slot, dropped_slot;
  Tensor proj;  // self: [B*T, 3Q] = q | k | v;  cross: q [B*Tq, Q]
  Tensor kv;    // cross: [B*Tk, 2Q] = k | v
  Tensor att;   // [B*Tq, Q]: the heads' outputs side by side (out_proj's input)
  ops::AttentionBuffers buffers;
  AttentionCall call;
};

// Backward scratch shared by every block (used one block at a time).
struct AttentionScratch {
  Slot dproj, dkv, datt, dprobs;
};

// y = out_proj(attention(q, k, v)) with [q | k | v] = x W_in^T + b_in.   x: [B*T, d] dense,
// y: [B*T, d] dense (written).
void self_attention_forward(const SelfAttentionParams& p, const Tensor& x,
                            const AttentionCall& call, AttentionState& s, const Tensor& y);
// dx += d/dx, parameter gradients added; dy: [B*T, d] dense (read only).
void self_attention_backward(const SelfAttentionParams& p, const Tensor& x, const AttentionState& s,
                             const Tensor& dy, const Tensor& dx, AttentionScratch& scratch,
                             const Tensor& ones);

// y = out_proj(attention(x W_q^T + b_q, memory W_k^T + b_k, memory W_v^T + b_v)).
//   x: [B*Tq, d_dec], memory: [B*Tk, d_enc] (dense), y: [B*Tq, d_dec] (written).
void cross_attention_forward(const CrossAttentionParams& p, const Tensor& x,
                             const Tensor& memory, const AttentionCall& call, AttentionState& s,
                             const Tensor& y);
// dx += ..., dmemory = or += ... (dmemory_accumulate), parameter gradients added.
void cross_attention_backward(const CrossAttentionParams& p, const Tensor& x,
                              const Tensor& memory, const AttentionState& s, const Tensor& dy,
                              const Tensor& dx, const Tensor& dmemory, bool dmemory_accumulate,
                              AttentionScratch& scratch, const Tensor& ones);

}  // namespace hat::model
