// The pieces every post-LayerNorm layer repeats: the residual add after dropout followed by
// LayerNorm, and the ReLU feed-forward block, each with what its backward needs.
#pragma once

#include <cstdint>

#include "supernet/model/layer_params.h"
#include "supernet/model/slot.h"
#include "supernet/ops/layer_norm.h"

namespace hat::model {

struct SublayerDropout {
  double p = 0;
  uint64_t seed = 0;
};

// h = LayerNorm(x + dropout(y)) (fairseq, normalize_before = False). The sublayer writes y into
// `sum` (from residual_norm_input); the forward turns it into x + dropout(y) in place.
struct ResidualNormState {
  Slot sum_slot, out_slot;
  Tensor sum;  // x + dropout(y): the LayerNorm input
  Tensor out;  // h
  ops::LayerNormContext ln;
  SublayerDropout dropout;
};

// The buffer the sublayer writes y into ([rows, d]).
Tensor residual_norm_input(ResidualNormState& s, int64_t rows, int64_t d, DType dtype);
void residual_norm_forward(const LayerNormParam& p, const Tensor& x, SublayerDropout dropout,
                           ResidualNormState& s);
// From dh (dL/dh, read only): dsum = dL/d(x + dropout(y)) is written into `dsum` (which is dL/dx
// through the residual), and the returned tensor is dL/dy = dropout(dsum): `dsum` itself when
// p = 0, else `scratch` (a slot for [rows, d]).
Tensor residual_norm_backward(const LayerNormParam& p, const ResidualNormState& s,
                              const Tensor& dh, const Tensor& dsum, Slot& scratch);

// y = fc2(dropout(relu(fc1(x)))) (activation dropout as fairseq's activation_dropout).
struct FfnState {
  Slot hidden_slot;
  Tensor hidden;  // dropout(relu(fc1(x))): fc2's input, [rows, f]
  SublayerDropout dropout;
};
void ffn_forward(const FfnParams& p, const Tensor& x, SublayerDropout activation, FfnState& s,
                 const Tensor& y);
// dx += dL/dx for dy = dL/dy. dy is read before dx is written, so dy may alias dx.
void ffn_backward(const FfnParams& p, const Tensor& x, const FfnState& s, const Tensor& dy,
                  const Tensor& dx, Slot& dhidden, const Tensor& ones);

}  // namespace hat::model
