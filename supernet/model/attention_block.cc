// Attention blocks on sliced weights (see attention_block.h).
//
// Followed: HAT's fairseq/modules/multihead_attention_super.py (MultiheadAttentionSuper):
// in_proj_qkv = _in_proj(query, sample_dim=sample_q_embed_dim).chunk(3) for self-attention;
// in_proj_q(query) and in_proj_k/v(key) with sample_kv_embed_dim (the encoder's width) for
// encoder-decoder attention; head_dim = qkv_dim // sampled heads; q scaled by head_dim ** -0.5;
// out_proj sliced to [:sample_q_embed_dim, :qkv_dim].
#include "supernet/model/attention_block.h"

#include "supernet/model/projection.h"

namespace hat::model {

namespace {

Tensor as3(const Tensor& t, int64_t batch, int64_t time) {
  return t.reshape({batch, time, t.size(1)});
}

void set_buffers(const AttentionCall& c, DType dtype, AttentionState& s) {
  const Shape shape{c.batch, c.heads, c.tq, c.tk};
  s.buffers.probs = s.probs_slot.get(shape, dtype);
  s.buffers.dropped = c.dropout > 0 ? s.dropped_slot.get(shape, dtype) : Tensor();
}

}  // namespace

void self_attention_forward(const SelfAttentionParams& p, const Tensor& x,
                            const AttentionCall& c, AttentionState& s, const Tensor& y) {
  const int64_t Q = p.out_proj.weight.value.size(1), n = c.batch * c.tq;
  s.call = c;
  s.proj = s.proj_slot.get({n, 3 * Q}, x.dtype());
  s.att = s.att_slot.get({n, Q}, x.dtype());
  set_buffers(c, x.dtype(), s);
  project(x, p.in_proj.weight.value, &p.in_proj.bias.value, s.proj);  // one matmul: q | k | v
  const Tensor qkv = as3(s.proj, c.batch, c.tq);
  ops::attention_views_forward(ops::head_view(qkv, 0, Q, c.heads),
                               ops::head_view(qkv, Q, Q, c.heads),
                               ops::head_view(qkv, 2 * Q, Q, c.heads), c.mask, c.dropout, c.seed,
                               ops::head_view(as3(s.att, c.batch, c.tq), 0, Q, c.heads), s.buffers);
  project(s.att, p.out_proj.weight.value, &p.out_proj.bias.value, y);
}

void self_attention_backward(const SelfAttentionParams& p, const Tensor& x, const AttentionState& s,
                             const Tensor& dy, const Tensor& dx, AttentionScratch& scratch,
                             const Tensor& ones) {
  const AttentionCall& c = s.call;
  const int64_t Q = s.att.size(1), n = c.batch * c.tq;
  // Output projection: datt = dy W_out, dW_out += dy^T att, db_out += 1^T dy.
  const Tensor datt = scratch.datt.get({n, Q}, x.dtype());
  project_backward_input(dy, p.out_proj.weight.value, datt, false);
  project_backward_params(s.att, dy, p.out_proj.weight.grad, p.out_proj.bias.grad, ones);
  // Attention: d[q | k | v] written into one buffer through its head views.
  const Tensor dproj = scratch.dproj.get({n, 3 * Q}, x.dtype());
  const Tensor qkv = as3(s.proj, c.batch, c.tq), dqkv = as3(dproj, c.batch, c.tq);
  ops::attention_views_backward(
      ops::head_view(qkv, 0, Q, c.heads), ops::head_view(qkv, Q, Q, c.heads),
      ops::head_view(qkv, 2 * Q, Q, c.heads), c.dropout, c.seed, s.buffers,
      ops::head_view(as3(datt, c.batch, c.tq), 0, Q, c.heads), ops::head_view(dqkv, 0, Q, c.heads),
      ops::head_view(dqkv, Q, Q, c.heads), ops::head_view(dqkv, 2 * Q, Q, c.heads),
      scratch.dprobs.get(s.buffers.probs.shape(), x.dtype()), false);
  // Input projection: dx += dqkv W_in, dW_in += dqkv^T x, db_in += 1^T dqkv.
  project_backward_input(dproj, p.in_proj.weight.value, dx, true);
  project_backward_params(x, dproj, p.in_proj.weight.grad, p.in_proj.bias.grad, ones);
}

void cross_attention_forward(const CrossAttentionParams& p, const Tensor& x,
                             const Tensor& memory, const AttentionCall& c, AttentionState& s,
                             const Tensor& y) {
  const int64_t Q = p.q_weight.value.size(0), nq = c.batch * c.tq, nk = c.batch * c.tk;
  s.call = c;
  s.proj = s.proj_slot.get({nq, Q}, x.dtype());
  s.kv = s.kv_slot.get({nk, 2 * Q}, x.dtype());
  s.att = s.att_slot.get({nq, Q}, x.dtype());
  set_buffers(c, x.dtype(), s);
  project(x, p.q_weight.value, &p.q_bias.value, s.proj);
  if (p.kv_weight.value.defined()) {
    project(memory, p.kv_weight.value, &p.kv_bias.value, s.kv);  // one matmul: k | v
  } else {
    const Tensor bk = p.kv_bias.value.narrow(0, 0, Q), bv = p.kv_bias.value.narrow(0, Q, Q);
    project(memory, p.k_weight.value, &bk, s.kv.narrow(1, 0, Q));
    project(memory, p.v_weight.value, &bv, s.kv.narrow(1, Q, Q));
  }
  const Tensor kv = as3(s.kv, c.batch, c.tk);
  ops::attention_views_forward(ops::head_view(as3(s.proj, c.batch, c.tq), 0, Q, c.heads),
                               ops::head_view(kv, 0, Q, c.heads), ops::head_view(kv, Q, Q, c.heads),
                               c.mask, c.dropout, c.seed,
                               ops::head_view(as3(s.att, c.batch, c.tq), 0, Q, c.heads), s.buffers);
  project(s.att, p.out_proj.weight.value, &p.out_proj.bias.value, y);
}

void cross_attention_backward(const CrossAttentionParams& p, const Tensor& x,
                              const Tensor& memory, const AttentionState& s, const Tensor& dy,
                              const Tensor& dx, const Tensor& dmemory, bool dmemory_accumulate,
                              AttentionScratch& scratch, const Tensor& ones) {
  const AttentionCall& c = s.call;
  const int64_t Q = s.att.size(1), nq = c.batch * c.tq, nk = c.batch * c.tk;
  const Tensor datt = scratch.datt.get({nq, Q}, x.dtype());
  project_backward_input(dy, p.out_proj.weight.value, datt, false);
  project_backward_params(s.att, dy, p.out_proj.weight.grad, p.out_proj.bias.grad, ones);
  const Tensor dq = scratch.dproj.get({nq, Q}, x.dtype());
  const Tensor dkv = scratch.dkv.get({nk, 2 * Q}, x.dtype());
  const Tensor kv = as3(s.kv, c.batch, c.tk), dkv3 = as3(dkv, c.batch, c.tk);
  ops::attention_views_backward(
      ops::head_view(as3(s.proj, c.batch, c.tq), 0, Q, c.heads), ops::head_view(kv, 0, Q, c.heads),
      ops::head_view(kv, Q, Q, c.heads), c.dropout, c.seed, s.buffers,
      ops::head_view(as3(datt, c.batch, c.tq), 0, Q, c.heads),
      ops::head_view(as3(dq, c.batch, c.tq), 0, Q, c.heads), ops::head_view(dkv3, 0, Q, c.heads),
      ops::head_view(dkv3, Q, Q, c.heads), scratch.dprobs.get(s.buffers.probs.shape(), x.dtype()),
      false);
  // Query projection (decoder side).
  project_backward_input(dq, p.q_weight.value, dx, true);
  project_backward_params(x, dq, p.q_weight.grad, p.q_bias.grad, ones);
  // Key/value projections (encoder side): dmemory (+)= dkv W_kv.
  if (p.kv_weight.value.defined()) {
    project_backward_input(dkv, p.kv_weight.value, dmemory, dmemory_accumulate);
    project_backward_params(memory, dkv, p.kv_weight.grad, p.kv_bias.grad, ones);
  } else {
    const Tensor dk = dkv.narrow(1, 0, Q), dv = dkv.narrow(1, Q, Q);
    project_backward_input(dk, p.k_weight.value, dmemory, dmemory_accumulate);
    project_backward_input(dv, p.v_weight.value, dmemory, true);
    project_backward_params(memory, dk, p.k_weight.grad, Tensor(), ones);
    project_backward_params(memory, dv, p.v_weight.grad, Tensor(), ones);
    project_backward_params(memory, dkv, Tensor(), p.kv_bias.grad, ones);
  }
}

}  // namespace hat::model
