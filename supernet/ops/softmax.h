// Softmax over the last dimension of attention scores, with causal and key-padding masks.
#pragma once

#include "devices/tensor.h"
#include "supernet/ops/attention_mask.h"

namespace hat::ops {

// probs[b, h, i, :] = softmax(scores[b, h, i, :]) over the keys the mask allows; masked keys get
// probability exactly 0.   scores: [B, H, Tq, Tk] dense; probs may alias scores (in place).
// A query without any valid key (key_lengths[b] == 0, or causal with Tq > Tk) throws hat::Error.
void masked_softmax_forward(const Tensor& scores, const AttentionMask& mask, Tensor& probs);

// dscores += probs * (dprobs - sum_j dprobs_j probs_j)   per row of the last dimension.
// Needs the forward output; masked keys (probs = 0) get no gradient. Any rank, dense tensors.
void softmax_backward(const Tensor& probs, const Tensor& dprobs, const Tensor& dscores);

// The same derivative written over dscores (not added); dscores may alias dprobs. For ops that
// own a scratch buffer (attention), to save a temporary and a pass.
void softmax_backward_overwrite(const Tensor& probs, const Tensor& dprobs, const Tensor& dscores);

}  // namespace hat::ops
