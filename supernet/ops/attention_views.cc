// Attention on head views: batched matmuls over strided [B, H, T, dh] views (oneDNN for f32,
// reference loops for f64), the masked softmax and dropout ops in between.
//
// Followed: HAT's fairseq/modules/multihead_attention_super.py (mit-han-lab/
// hardware-aware-transformers), MultiheadAttentionSuper.forward: q *= head_dim ** -0.5;
// attn_weights = softmax(q k^T) with -inf at key_padding_mask; F.dropout(attn_weights,
// p=self.dropout) where self.dropout is args.attention_dropout (not rescaled by HAT);
// attn = attn_weights v.
#include "supernet/ops/attention_views.h"

#include <cmath>
#include <limits>

#include "devices/matmul.h"
#include "supernet/ops/fused_elementwise.h"
#include "supernet/ops/softmax.h"

namespace hat::ops {

namespace {

constexpr const char* kOp = "attention_views";

std::string describe(const Tensor& q, const Tensor& k, const Tensor& v) {
  return str("q ", q.describe(), ", k ", k.describe(), ", v ", v.describe());
}

void check_views(const Tensor& q, const Tensor& k, const Tensor& v, const char* op) {
  HAT_CHECK(q.defined() && k.defined() && v.defined(), op, ": undefined input");
  HAT_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4, op,
            ": q, k, v must be head views [B, H, T, dh]: ", describe(q, k, v));
  HAT_CHECK((q.dtype() == DType::f32 || q.dtype() == DType::f64) && k.dtype() == q.dtype() &&
                v.dtype() == q.dtype(),
            op, ": q, k, v need one floating type: ", describe(q, k, v));
  HAT_CHECK(k.size(0) == q.size(0) && v.size(0) == q.size(0) && k.size(1) == q.size(1) &&
                v.size(1) == q.size(1) && k.size(3) == q.size(3) && v.size(3) == q.size(3) &&
                v.size(2) == k.size(2),
            op, ": q, k, v do not match: ", describe(q, k, v));
  HAT_CHECK(q.size(3) > 0, op, ": empty heads: ", describe(q, k, v));
}

void check_like(const Tensor& t, const Tensor& like, const char* op, const char* name) {
  HAT_CHECK(t.shape() == like.shape() && t.dtype() == like.dtype(), op, ": ", name, " ",
            t.describe(), " does not match ", like.describe());
}

void check_buffer(const Tensor& t, const Shape& shape, DType dtype, const char* op,
                  const char* name) {
  HAT_CHECK(t.defined() && t.shape() == shape && t.dtype() == dtype && t.is_contiguous(), op,
            ": ", name, " must be a dense ", dtype_name(dtype), shape, " buffer, got ",
            t.defined() ? t.describe() : std::string("undefined"));
}

void check_segmented(const SegmentedMask& m, int64_t batch, int64_t tq, int64_t tk,
                     const std::string& shapes) {
  HAT_CHECK(m.segments >= 1 && tk % m.segments == 0, kOp, ": ", tk, " keys do not split into ",
            m.segments, " equal segments: ", shapes);
  HAT_CHECK(m.segments == 1 || !m.mask.causal, kOp,
            ": a causal mask cannot apply to segmented keys: ", shapes);
  check_mask(m.mask, batch, tq, tk / m.segments, kOp, shapes);
}

// Scores of keys outside each segment's valid prefix become -inf (the softmax then gives 0).
template <typename T>
void mask_segments(const Tensor& scores, const SegmentedMask& m) {
  const int64_t B = scores.size(0), H = scores.size(1), tq = scores.size(2), tk = scores.size(3);
  const int64_t run = tk / m.segments;
  const T neg_inf = -std::numeric_limits<T>::infinity();
  T* p = scores.data<T>();
#pragma omp parallel for
  for (int64_t r = 0; r < B * H * tq; ++r) {
    const int64_t valid = m.mask.key_lengths[r / (H * tq)];
    T* row = p + r * tk;
    for (int64_t s = 0; s < m.segments; ++s)
      for (int64_t j = valid; j < run; ++j) row[s * run + j] = neg_inf;
  }
}

}  // namespace

Tensor head_view(const Tensor& x, int64_t start, int64_t width, int64_t heads) {
  HAT_CHECK(x.defined() && x.dim() == 3 && x.is_contiguous(), "head_view: x must be dense "
            "[B, T, C], got ", x.describe());
  HAT_CHECK(heads > 0 && width > 0 && width % heads == 0, "head_view: width ", width,
            " does not split into ", heads, " heads (x ", x.describe(), ")");
  const int64_t dh = width / heads, C = x.size(2);
  HAT_CHECK(start >= 0 && start + width <= C && start % dh == 0 && C % dh == 0, "head_view: "
            "columns [", start, ", ", start + width, ") of ", x.describe(),
            " are not whole heads of width ", dh);
  return x.reshape({x.size(0), x.size(1), C / dh, dh}).narrow(2, start / dh, heads).transpose(1, 2);
}

void attention_views_forward(const Tensor& qh, const Tensor& kh, const Tensor& vh,
                             const SegmentedMask& mask, double dropout, uint64_t seed,
                             const Tensor& outh, const AttentionBuffers& buffers) {
  check_views(qh, kh, vh, kOp);
  check_like(outh, qh, kOp, "out");
  const int64_t B = qh.size(0), H = qh.size(1), tq = qh.size(2), tk = kh.size(2), dh = qh.size(3);
  const std::string shapes = describe(qh, kh, vh);
  check_segmented(mask, B, tq, tk, shapes);
  HAT_CHECK(dropout >= 0.0 && dropout < 1.0, kOp, ": dropout ", dropout, " is outside [0, 1)");
  const Shape probs_shape{B, H, tq, tk};
  check_buffer(buffers.probs, probs_shape, qh.dtype(), kOp, "probs");
  if (dropout > 0.0) check_buffer(buffers.dropped, probs_shape, qh.dtype(), kOp, "dropped");
  if (B * H * tq == 0) return;

  // S = Q K^T / sqrt(dh), then P = masked softmax(S) in place.
  Tensor probs = buffers.probs;  // a handle on the caller's buffer
  matmul(qh, kh.transpose(2, 3), probs, 1.0 / std::sqrt(static_cast<double>(dh)), 0.0);
  if (mask.segments == 1) {
    masked_softmax_forward(probs, mask.mask, probs);
  } else {
    if (qh.dtype() == DType::f32)
      mask_segments<float>(probs, mask);
    else
      mask_segments<double>(probs, mask);
    masked_softmax_forward(probs, AttentionMask{}, probs);
  }
  if (dropout > 0.0) dropout_apply(probs, dropout, seed, buffers.dropped);
  matmul(dropout > 0.0 ? buffers.dropped : probs, vh, outh);  // out_h = Pd V_h
}

void attention_views_backward(const Tensor& qh, const Tensor& kh, const Tensor& vh,
                              double dropout, uint64_t seed, const AttentionBuffers& buffers,
                              const Tensor& douth, const Tensor& dqh, const Tensor& dkh,
                              const Tensor& dvh, const Tensor& scratch, bool accumulate) {
  const char* op = "attention_views_backward";
  check_views(qh, kh, vh, op);
  HAT_CHECK(douth.defined(), op, ": dout is undefined");
  check_like(douth, qh, op, "dout");
  if (dqh.defined()) check_like(dqh, qh, op, "dq");
  if (dkh.defined()) check_like(dkh, kh, op, "dk");
  if (dvh.defined()) check_like(dvh, vh, op, "dv");
  const int64_t B = qh.size(0), H = qh.size(1), tq = qh.size(2), tk = kh.size(2), dh = qh.size(3);
  const Shape probs_shape{B, H, tq, tk};
  check_buffer(buffers.probs, probs_shape, qh.dtype(), op, "probs");
  if (dropout > 0.0) check_buffer(buffers.dropped, probs_shape, qh.dtype(), op, "dropped");
  const double beta = accumulate ? 1.0 : 0.0;
  const Tensor& pd = dropout > 0.0 ? buffers.dropped : buffers.probs;
  if (dvh.defined()) matmul(pd.transpose(2, 3), douth, dvh, 1.0, beta);  // dV = Pd^T dout
  if (!dqh.defined() && !dkh.defined()) return;
  check_buffer(scratch, probs_shape, qh.dtype(), op, "scratch");
  const Tensor& ds = scratch;
  matmul(douth, vh.transpose(2, 3), ds);                          // dPd = dout V^T
  if (dropout > 0.0) dropout_apply(ds, dropout, seed, ds);        // dP = D dPd, in place
  softmax_backward_overwrite(buffers.probs, ds, ds);              // dS
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  if (dqh.defined()) matmul(ds, kh, dqh, scale, beta);                   // dQ = dS K / sqrt(dh)
  if (dkh.defined()) matmul(ds.transpose(2, 3), qh, dkh, scale, beta);   // dK = dS^T Q / sqrt(dh)
}

}  // namespace hat::ops
