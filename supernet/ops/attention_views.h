// Multi-head attention on head views: strided slices of fused Q/K/V projections, never copied,
// with dropout on the attention probabilities (fairseq's attention_dropout) and keys that may be
// several padded segments (HAT's arbitrary encoder-decoder attention: up to three encoder outputs
// concatenated along time, each with the source padding).
#pragma once

#include <cstdint>

#include "devices/tensor.h"
#include "supernet/ops/attention_mask.h"

namespace hat::ops {

// Columns [start, start + width) of x: [B, T, C] (dense), split into `heads` heads:
// a [B, heads, T, width / heads] view with strides [T*C, width / heads, C, 1]. start and width
// must be multiples of width / heads (so that C splits into whole heads).
Tensor head_view(const Tensor& x, int64_t start, int64_t width, int64_t heads);

// Which keys a query sees. Keys are `segments` equal runs of Tk / segments keys; `mask` applies
// within each run (its key_lengths[b] valid keys at the start of every run). segments > 1 cannot
// be causal.
struct SegmentedMask {
  AttentionMask mask;
  int64_t segments = 1;
};

// Buffers of one attention call (dense [B, H, Tq, Tk]); the caller owns and reuses them.
struct AttentionBuffers {
  Tensor probs;    // P = masked softmax(scale Q K^T): kept for the backward
  Tensor dropped;  // P after dropout (only used when dropout > 0); the backward reads it
};

// outh = dropout(P) vh, with P = masked softmax(qh kh^T / sqrt(dh)):
//   qh: [B, H, Tq, dh], kh and vh: [B, H, Tk, dh], outh: [B, H, Tq, dh]: any strides with a
//   unit last stride (see head_view). Dropout element i of P (row-major [B, H, Tq, Tk]) is
//   dropout_keeps(seed, i, dropout) as in dropout_forward. Masked keys get probability 0.
void attention_views_forward(const Tensor& qh, const Tensor& kh, const Tensor& vh,
                             const SegmentedMask& mask, double dropout, uint64_t seed,
                             const Tensor& outh, const AttentionBuffers& buffers);

// With Pd = dropout(P) = D P (D diagonal, fixed by the seed), S = Q K^T / sqrt(dh):
//   dV = Pd^T dout     dPd = dout V^T     dP = D dPd     dS = P * (dP - rowsum(dP * P))
//   dQ = dS K / sqrt(dh)      dK = dS^T Q / sqrt(dh)
// written into dqh, dkh, dvh (accumulate = false, no zeroing needed) or added (true). Each may
// be undefined (skipped). `scratch` is a dense [B, H, Tq, Tk] buffer for dP and dS.
void attention_views_backward(const Tensor& qh, const Tensor& kh, const Tensor& vh,
                              double dropout, uint64_t seed, const AttentionBuffers& buffers,
                              const Tensor& douth, const Tensor& dqh, const Tensor& dkh,
                              const Tensor& dvh, const Tensor& scratch, bool accumulate);

}  // namespace hat::ops
