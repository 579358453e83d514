// The reference label-smoothed cross-entropy over logits, ignoring padding targets (HAT's
// fairseq criterion), in two passes with its own backward: the definition the model's in-place
// cross-entropy (supernet/ops/cross_entropy_inplace.h) is tested against. Tests only.
#pragma once

#include <cstdint>

#include "devices/tensor.h"
#include "supernet/ops/cross_entropy_inplace.h"

namespace hat {

// What the backward needs from the forward.
struct CrossEntropyContext {
  Tensor log_probs;  // [N, V] dense, log_softmax(logits), same type as the logits
};

// logits: [..., V] dense f32 or f64; targets: i32 with the logits' shape minus the last
// dimension (so [N] for [N, V]). Per row n with target t != padding_idx:
//   lp = log_softmax(logits[n]),  nll_n = -lp[t],  smooth_n = -sum_v lp[v]
//   loss_n = (1 - eps) nll_n + (eps / V) smooth_n
// Rows whose target is padding_idx contribute nothing (not to loss, nll_loss or tokens).
// Throws on a target outside [0, V) (other than padding_idx) and on a non-finite loss.
ops::CrossEntropyResult label_smoothed_cross_entropy_forward(const Tensor& logits,
                                                             const Tensor& targets, double epsilon,
                                                             int32_t padding_idx,
                                                             CrossEntropyContext& ctx);

// dlogits[n, :] += grad_scale * (softmax(logits[n]) - q_n)   for non-padding rows, where
//   q_n = (1 - eps) one_hot(t_n) + eps / V   (sum_v q_n[v] = 1)
// which is d loss / d logits (see the derivation in reference_cross_entropy.cc). dlogits: logits' shape,
// dense; undefined = skip. grad_scale is usually 1 / sample_size.
void label_smoothed_cross_entropy_backward(const CrossEntropyContext& ctx, const Tensor& targets,
                                           double epsilon, int32_t padding_idx,
                                           double grad_scale, const Tensor& dlogits);

}  // namespace hat
