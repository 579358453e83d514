// Layer norm backward that writes dx instead of adding into it: the model's residual blocks
// produce a fresh gradient buffer from each LayerNorm, so oneDNN writes its diff_src straight
// into it (no zeroing, no scratch, no extra pass).
#pragma once

#include "devices/tensor.h"
#include "supernet/ops/layer_norm.h"

namespace hat {

// dx = layer_norm_backward's dx term (written, not added; dx must not alias dy or x);
// dgamma += sum_rows dy * xhat, dbeta += sum_rows dy (added; may be undefined).
// Same maths and arguments as layer_norm_backward; ctx from layer_norm_forward on x.
void layer_norm_backward_write(const Tensor& x, const Tensor& gamma, const LayerNormContext& ctx,
                               const Tensor& dy, const Tensor& dx, const Tensor& dgamma,
                               const Tensor& dbeta);

}  // namespace hat
