// The ops added for the model: attention on head views (segmented keys, probability dropout),
// the fused element-wise kernels and the in-place cross-entropy, against the existing ops and
// finite differences.
#include <gtest/gtest.h>

#include "supernet/ops/attention_views.h"
#include "supernet/ops/cross_entropy_inplace.h"
#include "supernet/ops/dropout.h"
#include "supernet/ops/fused_elementwise.h"
#include "supernet/ops/layer_norm.h"
#include "tests/support/reference_attention.h"
#include "tests/support/reference_cross_entropy.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

struct Views {
  Tensor q, k, v, out;  // dense [B, T, W] buffers
  ops::AttentionBuffers buffers;
};

Views make_views(int64_t B, int64_t tq, int64_t tk, int64_t W, int64_t H, double dropout,
                 DType dtype, uint64_t seed) {
  Views v;
  v.q = test::cast(test::random_tensor({B, tq, W}, DType::f64, seed, -2, 2), dtype);
  v.k = test::cast(test::random_tensor({B, tk, W}, DType::f64, seed + 1, -2, 2), dtype);
  v.v = test::cast(test::random_tensor({B, tk, W}, DType::f64, seed + 2), dtype);
  v.out = Tensor::zeros({B, tq, W}, dtype);
  v.buffers.probs = Tensor::zeros({B, H, tq, tk}, dtype);
  if (dropout > 0) v.buffers.dropped = Tensor::zeros({B, H, tq, tk}, dtype);
  return v;
}

TEST(ModelOps, AttentionViewsEqualsAttentionOnDenseInputs) {
  for (DType dtype : {DType::f64, DType::f32}) {
    const int64_t B = 2, T = 5, W = 6, H = 3;
    Views v = make_views(B, T, T, W, H, 0.0, dtype, 10);
    const ops::AttentionMask mask{true, {5, 3}};
    ops::attention_views_forward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                 ops::head_view(v.v, 0, W, H), {mask, 1}, 0.0, 0,
                                 ops::head_view(v.out, 0, W, H), v.buffers);
    Tensor ref;
    AttentionContext ctx;
    attention_forward(v.q, v.k, v.v, H, mask, ref, ctx);
    EXPECT_TRUE(test::all_close(v.out, ref, 1e-6, 1e-6)) << dtype_name(dtype);
    const Tensor dout = test::cast(test::random_tensor(ref.shape(), DType::f64, 13), dtype);
    Tensor dq = test::cast(test::random_tensor(v.q.shape(), DType::f64, 14), dtype);
    Tensor dk = Tensor::zeros(v.k.shape(), dtype), dv = Tensor::zeros(v.v.shape(), dtype);
    const Tensor dq0 = dq.clone();
    Tensor rq = dq.clone(), rk = dk.clone(), rv = dv.clone();
    attention_backward(v.q, v.k, v.v, H, ctx, dout, rq, rk, rv);
    ops::attention_views_backward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                  ops::head_view(v.v, 0, W, H), 0.0, 0, v.buffers,
                                  ops::head_view(dout, 0, W, H), ops::head_view(dq, 0, W, H),
                                  ops::head_view(dk, 0, W, H), ops::head_view(dv, 0, W, H),
                                  Tensor::zeros({B, H, T, T}, dtype), true);
    EXPECT_TRUE(test::all_close(dq, rq, 1e-5, 1e-6));
    EXPECT_TRUE(test::all_close(dk, rk, 1e-5, 1e-6));
    EXPECT_TRUE(test::all_close(dv, rv, 1e-5, 1e-6));
    // accumulate = false writes instead of adding.
    ops::attention_views_backward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                  ops::head_view(v.v, 0, W, H), 0.0, 0, v.buffers,
                                  ops::head_view(dout, 0, W, H), ops::head_view(dq, 0, W, H),
                                  Tensor(), Tensor(), Tensor::zeros({B, H, T, T}, dtype), false);
    Tensor written = rq.clone();
    for (int64_t i = 0; i < written.numel(); ++i) {
      if (dtype == DType::f32) written.data<float>()[i] -= dq0.data<float>()[i];
      else written.data<double>()[i] -= dq0.data<double>()[i];
    }
    EXPECT_TRUE(test::all_close(dq, written, 1e-5, 1e-6));
  }
}

// Segmented keys equal attention on each row's valid keys gathered in front: the model's
// concatenation of n padded encoder outputs, checked against a dense prefix-masked layout.
TEST(ModelOps, SegmentedKeysEqualTheirValidKeysGathered) {
  const int64_t B = 2, tq = 3, run = 4, n = 3, W = 4, H = 2;
  const std::vector<int32_t> lengths{4, 2};
  Views v = make_views(B, tq, n * run, W, H, 0.0, DType::f64, 20);
  ops::attention_views_forward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                               ops::head_view(v.v, 0, W, H), {{false, lengths}, n}, 0.0, 0,
                               ops::head_view(v.out, 0, W, H), v.buffers);
  Tensor k2 = Tensor::zeros(v.k.shape(), DType::f64), v2 = k2.clone();
  std::vector<int32_t> packed;
  for (int64_t b = 0; b < B; ++b) {
    int64_t j2 = 0;
    for (int64_t s = 0; s < n; ++s)
      for (int64_t j = 0; j < lengths[b]; ++j, ++j2) {
        k2.narrow(0, b, 1).narrow(1, j2, 1).copy_from(v.k.narrow(0, b, 1).narrow(1, s * run + j, 1));
        v2.narrow(0, b, 1).narrow(1, j2, 1).copy_from(v.v.narrow(0, b, 1).narrow(1, s * run + j, 1));
      }
    packed.push_back(static_cast<int32_t>(j2));
  }
  Tensor ref;
  AttentionContext ctx;
  attention_forward(v.q, k2, v2, H, {false, packed}, ref, ctx);
  EXPECT_TRUE(test::all_close(v.out, ref, 1e-12, 1e-12));
  test::expect_error(
      [&] {
        ops::attention_views_forward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                     ops::head_view(v.v, 0, W, H), {{true, {}}, n}, 0.0, 0,
                                     ops::head_view(v.out, 0, W, H), v.buffers);
      },
      {"attention_views", "causal", "segmented"});
  test::expect_error(
      [&] {
        ops::attention_views_forward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                     ops::head_view(v.v, 0, W, H), {{false, lengths}, 5}, 0.0, 0,
                                     ops::head_view(v.out, 0, W, H), v.buffers);
      },
      {"attention_views", "12 keys", "5 equal segments"});
}

TEST(ModelOps, AttentionViewsGradientsWithDropoutAndSegments) {
  const int64_t B = 2, tq = 3, tk = 6, W = 4, H = 2;
  for (const ops::SegmentedMask& mask :
       {ops::SegmentedMask{{false, {3, 1}}, 2}, ops::SegmentedMask{{true, {}}, 1}}) {
    const int64_t keys = mask.mask.causal ? tq : tk;
    Views v = make_views(B, tq, keys, W, H, 0.3, DType::f64, 30);
    Tensor dq = Tensor::zeros(v.q.shape(), DType::f64), dk = Tensor::zeros(v.k.shape(), DType::f64),
           dv = Tensor::zeros(v.v.shape(), DType::f64);
    const Tensor scratch = Tensor::zeros({B, H, tq, keys}, DType::f64);
    EXPECT_TRUE(test::check_gradients(
        {{"q", v.q, dq}, {"k", v.k, dk}, {"v", v.v, dv}},
        [&] {
          ops::attention_views_forward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                       ops::head_view(v.v, 0, W, H), mask, 0.3, 77,
                                       ops::head_view(v.out, 0, W, H), v.buffers);
          return std::vector<Tensor>{v.out};
        },
        [&](const std::vector<Tensor>& w) {
          ops::attention_views_backward(ops::head_view(v.q, 0, W, H), ops::head_view(v.k, 0, W, H),
                                        ops::head_view(v.v, 0, W, H), 0.3, 77, v.buffers,
                                        ops::head_view(w[0], 0, W, H), ops::head_view(dq, 0, W, H),
                                        ops::head_view(dk, 0, W, H), ops::head_view(dv, 0, W, H),
                                        scratch, true);
        }));
    // Dropout really drops: some probabilities are zero after it, and it is dropout_forward's mask.
    Tensor expected;
    ops::dropout_forward(v.buffers.probs, 0.3, 77, expected);
    EXPECT_TRUE(test::all_close(v.buffers.dropped, expected, 0, 0));
  }
}

// HAT's widths through oneDNN: q, k, v as strided head views of one fused [B, T, 3W] buffer,
// f32 against f64, forward and backward (dq, dk, dv written into one fused gradient buffer).
TEST(ModelOps, FusedHeadViewsAtHatWidthFloatMatchesDouble) {
  const int64_t B = 3, T = 7, W = 512;
  for (int64_t H : {4, 8}) {
    const Tensor qkv64 = test::random_tensor({B, T, 3 * W}, DType::f64, 90, -0.2, 0.2);
    const Tensor dout64 = test::random_tensor({B, T, W}, DType::f64, 91);
    const ops::SegmentedMask mask{{true, {}}, 1};
    const auto run = [&](DType dtype) {
      const Tensor qkv = test::cast(qkv64, dtype), dout = test::cast(dout64, dtype);
      const Tensor out = Tensor::zeros({B, T, W}, dtype), dqkv = Tensor::zeros({B, T, 3 * W}, dtype);
      ops::AttentionBuffers buf{Tensor::zeros({B, H, T, T}, dtype),
                                Tensor::zeros({B, H, T, T}, dtype)};
      const auto q = ops::head_view(qkv, 0, W, H), k = ops::head_view(qkv, W, W, H),
                 v = ops::head_view(qkv, 2 * W, W, H);
      ops::attention_views_forward(q, k, v, mask, 0.1, 3, ops::head_view(out, 0, W, H), buf);
      ops::attention_views_backward(q, k, v, 0.1, 3, buf, ops::head_view(dout, 0, W, H),
                                    ops::head_view(dqkv, 0, W, H), ops::head_view(dqkv, W, W, H),
                                    ops::head_view(dqkv, 2 * W, W, H),
                                    Tensor::zeros({B, H, T, T}, dtype), false);
      return std::make_pair(out, dqkv);
    };
    const auto [o32, d32] = run(DType::f32);
    const auto [o64, d64] = run(DType::f64);
    EXPECT_TRUE(test::all_close(o32, o64, 1e-4, 1e-5)) << H;
    EXPECT_TRUE(test::all_close(d32, d64, 1e-4, 1e-5)) << H;
  }
}

TEST(ModelOps, HeadViewsOfFusedProjections) {
  const Tensor x = test::random_tensor({2, 3, 12}, DType::f64, 40);
  const Tensor k = ops::head_view(x, 4, 4, 2);  // columns 4..7 as 2 heads of 2
  EXPECT_EQ(k.shape(), (Shape{2, 2, 3, 2}));
  EXPECT_EQ(k.at<double>({1, 1, 2, 0}), x.at<double>({1, 2, 6}));
  test::expect_error([&] { ops::head_view(x, 3, 4, 2); }, {"head_view", "whole heads"});
  test::expect_error([&] { ops::head_view(x, 0, 5, 2); }, {"head_view", "5", "2 heads"});
}

TEST(ModelOps, DropoutAddAndReluDropoutBackward) {
  for (DType dtype : {DType::f64, DType::f32}) {
    const Tensor x = test::cast(test::random_tensor({5, 7}, DType::f64, 50), dtype);
    const Tensor r = test::cast(test::random_tensor({5, 7}, DType::f64, 51), dtype);
    for (double p : {0.0, 0.4}) {
      Tensor y = Tensor::zeros(x.shape(), dtype), dropped;
      ops::dropout_add_forward(x, p, 9, r, y);
      ops::dropout_forward(x, p, 9, dropped);
      Tensor expected = r.clone();
      for (int64_t i = 0; i < x.numel(); ++i) {
        if (dtype == DType::f32) expected.data<float>()[i] += dropped.data<float>()[i];
        else expected.data<double>()[i] += dropped.data<double>()[i];
      }
      EXPECT_TRUE(test::all_close(y, expected, 0, 0)) << p;
      // In place over the residual.
      Tensor z = r.clone();
      ops::dropout_add_forward(x, p, 9, z, z);
      EXPECT_TRUE(test::all_close(z, expected, 0, 0));
    }
  }
  // relu_dropout_backward_inplace against relu then dropout, by finite differences.
  Tensor x = test::random_tensor({4, 6}, DType::f64, 52), dx = Tensor::zeros({4, 6}, DType::f64);
  Tensor y;
  EXPECT_TRUE(test::check_gradients(
      {{"x", x, dx}},
      [&] {
        y = Tensor::zeros(x.shape(), DType::f64);
        for (int64_t i = 0; i < x.numel(); ++i) y.data<double>()[i] = std::max(x.data<double>()[i], 0.0);
        ops::dropout_forward(y, 0.3, 5, y);
        return std::vector<Tensor>{y};
      },
      [&](const std::vector<Tensor>& w) {
        Tensor d = w[0].clone();
        ops::relu_dropout_backward_inplace(y, 0.3, d);
        dx.copy_from(d);
      }));
  test::expect_error(
      [&] {
        ops::dropout_add_forward(x, 0.1, 1, Tensor::zeros({4, 5}, DType::f64), x);
      },
      {"dropout_add", "[4, 5]"});
}

TEST(ModelOps, DropoutApplyHasDropoutForwardsMaskOnEveryPath) {
  for (DType dtype : {DType::f64, DType::f32})
    for (int64_t n : {1, 15, 16, 17, 1000, 4099})
      for (double p : {0.0, 0.1, 0.5, 0.9}) {
        const Tensor x = test::cast(test::random_tensor({n}, DType::f64, 70 + n), dtype);
        Tensor expected, y = Tensor::zeros({n}, dtype);
        ops::dropout_forward(x, p, 1234, expected);
        ops::dropout_apply(x, p, 1234, y);
        EXPECT_TRUE(test::all_close(y, expected, 0, 0)) << n << " " << p;
        Tensor z = x.clone();
        ops::dropout_apply(z, p, 1234, z);  // in place
        EXPECT_TRUE(test::all_close(z, expected, 0, 0)) << n << " " << p;
      }
  // A probability just above a representable uniform: the integer threshold matches exactly.
  const double p = 0x1.0p-53 * 3;
  const Tensor x = test::random_tensor({100}, DType::f64, 1);
  Tensor a, b = Tensor::zeros({100}, DType::f64);
  ops::dropout_forward(x, p, 5, a);
  ops::dropout_apply(x, p, 5, b);
  EXPECT_TRUE(test::all_close(a, b, 0, 0));
  test::expect_error([&] { ops::dropout_apply(x, 1.0, 5, b); }, {"dropout_apply", "[0, 1)"});
}

TEST(ModelOps, LayerNormBackwardWriteEqualsTheAddingOp) {
  for (DType dtype : {DType::f64, DType::f32}) {
    const int64_t rows = 9, d = 6, dmax = 8;
    const Tensor x = test::cast(test::random_tensor({rows, d}, DType::f64, 80, -2, 2), dtype);
    const Tensor params = test::cast(test::random_tensor({2, dmax}, DType::f64, 81, 0.5, 1.5), dtype);
    const Tensor gamma = params.narrow(0, 0, 1).reshape({dmax}).leading({d});
    const Tensor beta = params.narrow(0, 1, 1).reshape({dmax}).leading({d});
    Tensor y;
    ops::LayerNormContext ctx;
    ops::layer_norm_forward(x, gamma, beta, ops::kLayerNormEps, y, ctx);
    const Tensor dy = test::cast(test::random_tensor({rows, d}, DType::f64, 82), dtype);
    Tensor dx_ref = Tensor::zeros({rows, d}, dtype), dg_ref = Tensor::zeros({d}, dtype),
           db_ref = Tensor::zeros({d}, dtype);
    ops::layer_norm_backward(x, gamma, ctx, dy, dx_ref, dg_ref, db_ref);
    Tensor dx = test::cast(test::random_tensor({rows, d}, DType::f64, 83), dtype);  // overwritten
    Tensor dg = Tensor::zeros({d}, dtype), db = Tensor::zeros({d}, dtype);
    ops::layer_norm_backward_write(x, gamma, ctx, dy, dx, dg, db);
    const double tol = dtype == DType::f64 ? 1e-12 : 1e-5;
    EXPECT_TRUE(test::all_close(dx, dx_ref, tol, tol)) << dtype_name(dtype);
    EXPECT_TRUE(test::all_close(dg, dg_ref, tol, tol));
    EXPECT_TRUE(test::all_close(db, db_ref, tol, tol));
    test::expect_error([&] { ops::layer_norm_backward_write(x, gamma, ctx, dy, dy, dg, db); },
                       {"layer_norm_backward_write", "alias"});
  }
}

TEST(ModelOps, InPlaceCrossEntropyEqualsTheOp) {
  for (DType dtype : {DType::f64, DType::f32}) {
    for (int64_t vocab : {11, 3000}) {
      const int64_t rows = 37;
      const Tensor logits = test::cast(test::random_tensor({rows, vocab}, DType::f64, 60, -4, 4), dtype);
      Tensor targets = Tensor::zeros({rows}, DType::i32);
      for (int64_t n = 0; n < rows; ++n) targets.data<int32_t>()[n] = n % 5 == 1 ? 1 : (n * 7) % vocab;
      CrossEntropyContext ctx;
      const ops::CrossEntropyResult ref =
          label_smoothed_cross_entropy_forward(logits, targets, 0.1, 1, ctx);
      Tensor dref = Tensor::zeros(logits.shape(), dtype);
      label_smoothed_cross_entropy_backward(ctx, targets, 0.1, 1, 0.25, dref);
      const Tensor z = logits.clone();
      const ops::CrossEntropyResult got =
          ops::label_smoothed_cross_entropy_inplace(z, targets, 0.1, 1, 0.25, true);
      const double tol = dtype == DType::f64 ? 1e-12 : 1e-5;
      EXPECT_NEAR(got.loss, ref.loss, tol * ref.loss);
      EXPECT_NEAR(got.nll_loss, ref.nll_loss, tol * ref.nll_loss);
      EXPECT_EQ(got.tokens, ref.tokens);
      EXPECT_TRUE(test::all_close(z, dref, tol, 1e-7)) << dtype_name(dtype) << " V=" << vocab;
      const Tensor z2 = logits.clone();
      EXPECT_EQ(ops::label_smoothed_cross_entropy_inplace(z2, targets, 0.1, 1, 0.25, false).loss,
                got.loss);
    }
  }
  // Extreme logits: the loss stays finite (lse from the largest logit's probability).
  Tensor z = Tensor::zeros({1, 4}, DType::f32);
  z.data<float>()[0] = 200.0f;
  Tensor t = Tensor::zeros({1}, DType::i32);
  t.data<int32_t>()[0] = 3;
  const ops::CrossEntropyResult r =
      ops::label_smoothed_cross_entropy_inplace(z, t, 0.0, 1, 1.0, true);
  EXPECT_NEAR(r.nll_loss, 200.0, 1e-3);
  t.data<int32_t>()[0] = 4;
  test::expect_error([&] { ops::label_smoothed_cross_entropy_inplace(z, t, 0.1, 1, 1.0, true); },
                     {"label_smoothed_cross_entropy_inplace", "target 4", "[0, 4)"});
}

}  // namespace
}  // namespace hat
