// Gradient scaling and norm clipping over the flat gradient buffer (fairseq's clip_grad_norm_).
#pragma once

#include "devices/tensor.h"

namespace hat::optim {

// The L2 norm of all gradients, accumulated in double.
double grad_norm(const Tensor& grads);

// Multiplies every gradient by factor (e.g. 1 / tokens of the update).
void scale_grads(const Tensor& grads, double factor);

// If max_norm > 0 and the norm exceeds it, scales gradients by max_norm / (norm + 1e-6).
// Returns the norm before clipping. A non-finite norm throws hat::Error: the update must be
// skipped (as fairseq does), never applied.
double clip_grad_norm(const Tensor& grads, double max_norm);

}  // namespace hat::optim
