// Residual + LayerNorm and feed-forward blocks (see sublayers.h).
//
// Followed: HAT's fairseq/models/transformer_super.py, TransformerEncoderLayer.forward and
// TransformerDecoderLayer.forward with normalize_before False:
//   x = dropout(sublayer(x)); x = residual + x; x = layer_norm(x)
//   FFN: x = relu(fc1(x)); x = dropout(x, p=sample_activation_dropout); x = fc2(x)
#include "supernet/model/sublayers.h"

#include "supernet/model/projection.h"
#include "supernet/ops/fused_elementwise.h"
#include "supernet/ops/layer_norm.h"
#include "supernet/ops/relu.h"

namespace hat::model {

Tensor residual_norm_input(ResidualNormState& s, int64_t rows, int64_t d, DType dtype) {
  s.sum = s.sum_slot.get({rows, d}, dtype);
  return s.sum;
}

void residual_norm_forward(const LayerNormParam& p, const Tensor& x, SublayerDropout dropout,
                           ResidualNormState& s) {
  s.dropout = dropout;
  ops::dropout_add_forward(s.sum, dropout.p, dropout.seed, x, s.sum);  // sum = x + dropout(y)
  s.out = s.out_slot.get(s.sum.shape(), s.sum.dtype());
  ops::layer_norm_forward(s.sum, p.weight.value, p.bias.value, ops::kLayerNormEps, s.out, s.ln);
}

Tensor residual_norm_backward(const LayerNormParam& p, const ResidualNormState& s,
                              const Tensor& dh, const Tensor& dsum, Slot& scratch) {
  ops::layer_norm_backward_write(s.sum, p.weight.value, s.ln, dh, dsum, p.weight.grad, p.bias.grad);
  if (s.dropout.p == 0.0) return dsum;
  // y -> dropout(y) is y -> D y with D diagonal, so dL/dy = D dsum.
  const Tensor dy = scratch.get(dsum.shape(), dsum.dtype());
  ops::dropout_apply(dsum, s.dropout.p, s.dropout.seed, dy);
  return dy;
}

void ffn_forward(const FfnParams& p, const Tensor& x, SublayerDropout activation, FfnState& s,
                 const Tensor& y) {
  s.dropout = activation;
  s.hidden = s.hidden_slot.get({x.size(0), p.fc1.weight.value.size(0)}, x.dtype());
  project(x, p.fc1.weight.value, &p.fc1.bias.value, s.hidden);
  ops::relu_forward(s.hidden, s.hidden);
  if (activation.p > 0.0) ops::dropout_apply(s.hidden, activation.p, activation.seed, s.hidden);
  project(s.hidden, p.fc2.weight.value, &p.fc2.bias.value, y);
}

void ffn_backward(const FfnParams& p, const Tensor& x, const FfnState& s, const Tensor& dy,
                  const Tensor& dx, Slot& dhidden, const Tensor& ones) {
  // fc2: dhidden = dy W2, dW2 += dy^T hidden, db2 += 1^T dy (the last reads of dy).
  const Tensor dh = dhidden.get(s.hidden.shape(), s.hidden.dtype());
  project_backward_input(dy, p.fc2.weight.value, dh, false);
  project_backward_params(s.hidden, dy, p.fc2.weight.grad, p.fc2.bias.grad, ones);
  // dropout(relu(.)): dh *= [hidden > 0] / (1 - p), in place.
  ops::relu_dropout_backward_inplace(s.hidden, s.dropout.p, dh);
  // fc1: dx += dh W1, dW1 += dh^T x, db1 += 1^T dh.
  project_backward_input(dh, p.fc1.weight.value, dx, true);
  project_backward_params(x, dh, p.fc1.weight.grad, p.fc1.bias.grad, ones);
}

}  // namespace hat::model
