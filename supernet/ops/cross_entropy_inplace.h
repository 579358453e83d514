// Label-smoothed cross-entropy whose gradient overwrites the logits: at translation vocabularies
// the [tokens, V] logits are the largest activation, so no second and third copy (log-probs,
// dlogits) is made, and each block of rows is finished while it is in cache.
#pragma once

#include <cstdint>

#include "devices/tensor.h"

namespace hat::ops {

// Sums over the non-padding rows (accumulated in double).
struct CrossEntropyResult {
  double loss = 0;      // sum_n (1 - eps) nll_n + (eps / V) smooth_n
  double nll_loss = 0;  // sum_n -log p_n[target_n]
  int64_t tokens = 0;   // rows whose target is not padding_idx
};

// HAT's label-smoothed cross-entropy (fairseq's criterion, eps / V), per row n with target
// t != padding_idx:
//   lp = log_softmax(logits[n]),  nll_n = -lp[t],  smooth_n = -sum_v lp[v]
//   loss_n = (1 - eps) nll_n + (eps / V) smooth_n
// (rows whose target is padding_idx contribute nothing) on logits [N, V] (dense f32 or f64)
// and targets i32 [N]. The tests check it against the plain two-pass definition in
// tests/support/reference_cross_entropy.h. Afterwards the logits hold
//   gradient = true:   grad_scale * (softmax(z_n) - q_n), q_n = (1 - eps) one_hot(t_n) + eps / V,
//                      and 0 on padding rows: d(grad_scale * loss)/d logits, written (not added);
//   gradient = false:  unspecified values (the forward-only use: validation).
// Throws on a target outside [0, V) (other than padding_idx) and on a non-finite loss.
CrossEntropyResult label_smoothed_cross_entropy_inplace(const Tensor& logits,
                                                        const Tensor& targets, double epsilon,
                                                        int32_t padding_idx, double grad_scale,
                                                        bool gradient);

}  // namespace hat::ops
