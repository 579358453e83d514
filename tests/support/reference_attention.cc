// The reference dense attention (tests only): two batched matmuls on head views around a
// masked softmax, checked against the model's attention on strided views
// (supernet/ops/attention_views.h). The matmuls run on the strided head views directly, so no
// head-major copy is made.
#include "tests/support/reference_attention.h"

#include <cmath>

#include "devices/matmul.h"
#include "supernet/ops/softmax.h"

namespace hat {

namespace {

std::string describe_inputs(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads) {
  return str("q ", q.describe(), ", k ", k.describe(), ", v ", v.describe(), ", heads ", heads);
}

void check_inputs(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads,
                  const char* op) {
  HAT_CHECK(q.defined() && k.defined() && v.defined(), op, ": undefined input: ",
            describe_inputs(q, k, v, heads));
  const auto where = [&] { return describe_inputs(q, k, v, heads); };
  HAT_CHECK(q.dim() == 3 && k.dim() == 3 && v.dim() == 3, op,
            ": q, k, v must be 3-d [B, T, W]: ", where());
  HAT_CHECK((q.dtype() == DType::f32 || q.dtype() == DType::f64) && k.dtype() == q.dtype() &&
                v.dtype() == q.dtype(),
            op, ": q, k, v need one floating type (f32 or f64): ", where());
  HAT_CHECK(k.size(0) == q.size(0) && v.size(0) == q.size(0), op, ": batch sizes differ: ",
            where());
  HAT_CHECK(k.size(2) == q.size(2) && v.size(2) == q.size(2), op, ": widths differ: ", where());
  HAT_CHECK(v.size(1) == k.size(1), op, ": k and v have different lengths: ", where());
  HAT_CHECK(heads > 0 && q.size(2) % heads == 0, op, ": width ", q.size(2),
            " is not divisible by heads ", heads, ": ", where());
  HAT_CHECK(q.is_contiguous() && k.is_contiguous() && v.is_contiguous(), op,
            ": q, k, v must be dense: ", where());
}

// [B, T, W] -> [B, H, T, dh], a stride view (strides [T*W, dh, W, 1]).
Tensor split_heads(const Tensor& x, int64_t heads) {
  return x.reshape({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

// A gradient (or output) the op writes through head views: same shape as `like`, dense.
void check_dense_like(const Tensor& t, const Tensor& like, const char* op, const char* name) {
  HAT_CHECK(t.shape() == like.shape() && t.dtype() == like.dtype(), op, ": ", name, " ",
            t.describe(), " does not match ", like.describe());
  HAT_CHECK(t.is_contiguous(), op, ": ", name, " must be dense, got ", t.describe());
}

}  // namespace

void attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads,
                       const ops::AttentionMask& mask, Tensor& out, AttentionContext& ctx) {
  const char* op = "attention";
  check_inputs(q, k, v, heads, op);
  const int64_t B = q.size(0), tq = q.size(1), tk = k.size(1), dh = q.size(2) / heads;
  ops::check_mask(mask, B, tq, tk, op, describe_inputs(q, k, v, heads));
  ensure_shape(out, q.shape(), q.dtype(), op, "out");
  HAT_CHECK(out.is_contiguous(), op, ": out must be dense, got ", out.describe());
  const Shape probs_shape{B, heads, tq, tk};
  if (!ctx.probs.defined() || ctx.probs.shape() != probs_shape || ctx.probs.dtype() != q.dtype())
    ctx.probs = Tensor::zeros(probs_shape, q.dtype());

  const Tensor qh = split_heads(q, heads), kh = split_heads(k, heads), vh = split_heads(v, heads);
  // S = Q_h K_h^T / sqrt(dh), then P = masked softmax(S) in place.
  matmul(qh, kh.transpose(2, 3), ctx.probs, 1.0 / std::sqrt(static_cast<double>(dh)), 0.0);
  ops::masked_softmax_forward(ctx.probs, mask, ctx.probs);
  // out_h = P V_h, written through the head view of out.
  matmul(ctx.probs, vh, split_heads(out, heads));
}

void attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads,
                        const AttentionContext& ctx, const Tensor& dout, const Tensor& dq,
                        const Tensor& dk, const Tensor& dv) {
  const char* op = "attention_backward";
  check_inputs(q, k, v, heads, op);
  const int64_t B = q.size(0), tq = q.size(1), tk = k.size(1), dh = q.size(2) / heads;
  const Tensor& probs = ctx.probs;
  const Shape probs_shape{B, heads, tq, tk};
  HAT_CHECK(probs.defined() && probs.shape() == probs_shape &&
                probs.dtype() == q.dtype(),
            op, ": context probs ", probs.describe(), " do not come from a forward on ",
            describe_inputs(q, k, v, heads));
  HAT_CHECK(dout.defined(), op, ": dout is undefined");
  check_dense_like(dout, q, op, "dout");
  if (dq.defined()) check_dense_like(dq, q, op, "dq");
  if (dk.defined()) check_dense_like(dk, k, op, "dk");
  if (dv.defined()) check_dense_like(dv, v, op, "dv");

  const Tensor douth = split_heads(dout, heads);
  if (dv.defined()) matmul(probs.transpose(2, 3), douth, split_heads(dv, heads), 1.0, 1.0);
  if (!dq.defined() && !dk.defined()) return;
  // dP = dout_h V_h^T, then dS = P * (dP - rowsum(dP * P)) in place.
  Tensor ds = Tensor::zeros(probs.shape(), probs.dtype());
  matmul(douth, split_heads(v, heads).transpose(2, 3), ds);
  ops::softmax_backward_overwrite(probs, ds, ds);
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  if (dq.defined()) matmul(ds, split_heads(k, heads), split_heads(dq, heads), scale, 1.0);
  if (dk.defined())
    matmul(ds.transpose(2, 3), split_heads(q, heads), split_heads(dk, heads), scale, 1.0);
}

}  // namespace hat
