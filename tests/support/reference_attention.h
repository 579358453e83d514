// The reference multi-head scaled dot-product attention on projected, dense Q/K/V (tests only):
// the model runs attention_views (supernet/ops/attention_views.h) and is checked against this.
#pragma once

#include <cstdint>

#include "devices/tensor.h"
#include "supernet/ops/attention_mask.h"

namespace hat {

// What the backward needs from the forward; reused across calls of one layer.
struct AttentionContext {
  Tensor probs;  // [B, H, Tq, Tk]: P = masked_softmax(Q_h K_h^T / sqrt(dh))
};

// q: [B, Tq, W], k and v: [B, Tk, W], all dense; heads must divide W (dh = W / heads).
// out[b, t, h*dh:(h+1)*dh] = sum_j P[b, h, t, j] v[b, j, h*dh:(h+1)*dh]     out: [B, Tq, W]
// Heads are stride views of q/k/v ([B, T, W] -> [B, H, T, dh]), never copies. The projections
// around this op belong to the model; masked keys have exactly zero influence.
void attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads,
                       const ops::AttentionMask& mask, Tensor& out, AttentionContext& ctx);

// Given dout = dL/dout, with S = Q_h K_h^T / sqrt(dh) and P = softmax(S):
//   dv_h += P^T dout_h      dP = dout_h v_h^T      dS = P * (dP - rowsum(dP * P))
//   dq_h += dS k_h / sqrt(dh)      dk_h += dS^T q_h / sqrt(dh)
// Each of dq, dk, dv may be undefined (skipped); defined ones are dense and get added into.
void attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads,
                        const AttentionContext& ctx, const Tensor& dout, const Tensor& dq,
                        const Tensor& dk, const Tensor& dv);

}  // namespace hat
