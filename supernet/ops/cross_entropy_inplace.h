// Label-smoothed cross-entropy whose gradient overwrites the logits: at translation vocabularies
// the [tokens, V] logits are the largest activation, so no second and third copy (log-probs,
// dlogits) is made, and each block of rows is finished while it is in cache.
#pragma once

#include <cstdint>

#include "devices/tensor.h"
#include "supernet/ops/cross_entropy.h"

namespace hat {

// The loss of label_smoothed_cross_entropy_forward (same definition, fairseq's eps / V; rows
// whose target is padding_idx contribute nothing) on logits [N, V] (dense f32 or f64) and
// targets i32 [N]. Afterwards the logits hold
//   gradient = true:   grad_scale * (softmax(z_n) - q_n), q_n = (1 - eps) one_hot(t_n) + eps / V,
//                      and 0 on padding rows: d(grad_scale * loss)/d logits, written (not added);
//   gradient = false:  unspecified values (the forward-only use: validation).
// Throws on a target outside [0, V) (other than padding_idx) and on a non-finite loss.
CrossEntropyResult label_smoothed_cross_entropy_inplace(const Tensor& logits,
                                                        const Tensor& targets, double epsilon,
                                                        int32_t padding_idx, double grad_scale,
                                                        bool gradient);

}  // namespace hat
