#include <cmath>

#include <gtest/gtest.h>

#include "tests/support/reference_attention.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

// Naive multi-head attention: loops over b, h, i, j with the softmax written out, in double.
Tensor naive_attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads,
                       const ops::AttentionMask& mask) {
  const int64_t B = q.size(0), tq = q.size(1), tk = k.size(1), W = q.size(2), dh = W / heads;
  Tensor out = Tensor::zeros({B, tq, W}, DType::f64);
  auto at = [](const Tensor& t, int64_t b, int64_t s, int64_t c) {
    return test::element(t, (b * t.size(1) + s) * t.size(2) + c);
  };
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < tq; ++i) {
        std::vector<double> p(tk, 0.0);
        double max = -1e300, sum = 0.0;
        for (int64_t j = 0; j < tk; ++j) {
          const bool allowed = !(mask.causal && j > i + (tk - tq)) &&
                               (mask.key_lengths.empty() || j < mask.key_lengths[b]);
          if (!allowed) {
            p[j] = -1e300;  // marks a masked key
            continue;
          }
          for (int64_t c = 0; c < dh; ++c) p[j] += at(q, b, i, h * dh + c) * at(k, b, j, h * dh + c);
          p[j] /= std::sqrt(static_cast<double>(dh));
          max = std::max(max, p[j]);
        }
        for (int64_t j = 0; j < tk; ++j) sum += p[j] = p[j] == -1e300 ? 0.0 : std::exp(p[j] - max);
        for (int64_t c = 0; c < dh; ++c) {
          double acc = 0.0;
          for (int64_t j = 0; j < tk; ++j) acc += p[j] / sum * at(v, b, j, h * dh + c);
          out.at<double>({b, i, h * dh + c}) = acc;
        }
      }
  return out;
}

struct Case {
  const char* name;
  int64_t batch, tq, tk, width, heads;
  ops::AttentionMask mask;
};

// Odd head counts, self-attention (Tq == Tk, causal) and encoder-decoder attention (Tq != Tk,
// key padding), and a one-dimensional head.
std::vector<Case> cases() {
  return {
      {"self causal+padding heads=3", 2, 4, 4, 6, 3, {true, {4, 3}}},
      {"self causal heads=1", 2, 3, 3, 6, 1, {true, {}}},
      {"enc-dec padding heads=3", 2, 2, 5, 6, 3, {false, {5, 2}}},
      {"enc-dec padding heads=1", 2, 3, 4, 6, 1, {false, {1, 4}}},
      {"decode step causal heads=6", 3, 1, 4, 6, 6, {true, {4, 2, 3}}},
      {"no mask heads=2", 1, 3, 2, 6, 2, {}},
  };
}

struct Inputs {
  Tensor q, k, v;
};

Inputs make_inputs(const Case& c, DType dtype, uint64_t seed) {
  return {test::cast(test::random_tensor({c.batch, c.tq, c.width}, DType::f64, seed), dtype),
          test::cast(test::random_tensor({c.batch, c.tk, c.width}, DType::f64, seed + 1), dtype),
          test::cast(test::random_tensor({c.batch, c.tk, c.width}, DType::f64, seed + 2), dtype)};
}

TEST(Attention, GradientsMatchFiniteDifferences) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    Inputs in = make_inputs(c, DType::f64, 100);
    // Larger scores than uniform(-1, 1) so that the softmax is far from uniform.
    for (Tensor* t : {&in.q, &in.k})
      for (int64_t i = 0; i < t->numel(); ++i) t->data<double>()[i] *= 2.0;
    Tensor dq = Tensor::zeros(in.q.shape(), DType::f64), dk = Tensor::zeros(in.k.shape(), DType::f64),
           dv = Tensor::zeros(in.v.shape(), DType::f64), out;
    AttentionContext ctx;
    EXPECT_TRUE(test::check_gradients(
        {{"q", in.q, dq}, {"k", in.k, dk}, {"v", in.v, dv}},
        [&] {
          attention_forward(in.q, in.k, in.v, c.heads, c.mask, out, ctx);
          return std::vector<Tensor>{out};
        },
        [&](const std::vector<Tensor>& dout) {
          attention_backward(in.q, in.k, in.v, c.heads, ctx, dout[0], dq, dk, dv);
        }));
  }
}

TEST(Attention, MatchesNaiveReference) {
  for (const Case& c : cases())
    for (DType dtype : {DType::f64, DType::f32}) {
      SCOPED_TRACE(std::string(c.name) + " " + std::string(dtype_name(dtype)));
      Inputs in = make_inputs(c, dtype, 200);
      Tensor out;
      AttentionContext ctx;
      attention_forward(in.q, in.k, in.v, c.heads, c.mask, out, ctx);
      EXPECT_TRUE(test::all_close(test::cast(out, DType::f64),
                                  naive_attention(in.q, in.k, in.v, c.heads, c.mask), 1e-5, 1e-6));
    }
}

// Forward and all three gradients, f32 (oneDNN) against f64 (loops) on the same inputs.
void expect_float_matches_double(const Case& c, uint64_t seed) {
  Inputs in64 = make_inputs(c, DType::f64, seed);
  Tensor dout64 = test::random_tensor({c.batch, c.tq, c.width}, DType::f64, seed + 3);
  auto run = [&](DType dtype) {
    Tensor q = test::cast(in64.q, dtype), k = test::cast(in64.k, dtype), v = test::cast(in64.v, dtype);
    Tensor out, dq = Tensor::zeros(q.shape(), dtype), dk = Tensor::zeros(k.shape(), dtype),
                dv = Tensor::zeros(v.shape(), dtype);
    AttentionContext ctx;
    attention_forward(q, k, v, c.heads, c.mask, out, ctx);
    attention_backward(q, k, v, c.heads, ctx, test::cast(dout64, dtype), dq, dk, dv);
    return std::vector<Tensor>{out, ctx.probs, dq, dk, dv};
  };
  auto f32 = run(DType::f32), f64 = run(DType::f64);
  for (size_t i = 0; i < f32.size(); ++i) EXPECT_TRUE(test::all_close(f32[i], f64[i], 1e-5, 1e-5)) << i;
}

TEST(Attention, OneDnnFloatPathMatchesDoubleReference) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    expect_float_matches_double(c, 300);
  }
}

TEST(Attention, OneDnnFloatPathMatchesDoubleAtHatWidth) {
  // W = 512 as in HAT, the head counts of its spaces, strided head views through oneDNN.
  for (int64_t heads : {2, 4, 8}) {
    SCOPED_TRACE(heads);
    expect_float_matches_double({"hat width", 2, 5, 7, 512, heads, {true, {7, 4}}}, 400);
    expect_float_matches_double({"hat decode", 2, 1, 9, 512, heads, {false, {9, 3}}}, 500);
  }
}

TEST(Attention, PaddedKeysHaveExactlyZeroInfluence) {
  const Case c{"padding", 2, 3, 5, 6, 3, {false, {5, 2}}};
  for (DType dtype : {DType::f64, DType::f32}) {
    Inputs in = make_inputs(c, dtype, 600);
    Tensor out, dk = Tensor::zeros(in.k.shape(), dtype), dv = Tensor::zeros(in.v.shape(), dtype);
    AttentionContext ctx;
    attention_forward(in.q, in.k, in.v, c.heads, c.mask, out, ctx);
    const Tensor before = out.clone();
    attention_backward(in.q, in.k, in.v, c.heads, ctx,
                       test::cast(test::random_tensor(out.shape(), DType::f64, 601), dtype),
                       Tensor(), dk, dv);
    // Batch row 1 has 2 valid keys: keys 2..4 are padding. Change them wildly.
    for (int64_t j = 2; j < 5; ++j)
      for (int64_t w = 0; w < 6; ++w) {
        for (const Tensor& t : {in.k, in.v}) {
          if (dtype == DType::f32)
            t.at<float>({1, j, w}) = 1e3f;
          else
            t.at<double>({1, j, w}) = -1e3;
        }
        // ... and they got no gradient.
        EXPECT_EQ(test::element(dk, (5 + j) * 6 + w), 0.0);
        EXPECT_EQ(test::element(dv, (5 + j) * 6 + w), 0.0);
      }
    attention_forward(in.q, in.k, in.v, c.heads, c.mask, out, ctx);
    EXPECT_TRUE(test::all_close(out, before, 0.0, 0.0)) << dtype_name(dtype);
  }
}

TEST(Attention, IncrementalDecodingMatchesFullCausalAttention) {
  // Step t sees query t and the cached keys 0..t: the end-aligned causal mask makes the
  // one-query call equal row t of the full causal attention.
  const int64_t T = 5, W = 6, heads = 3;
  for (DType dtype : {DType::f64, DType::f32}) {
    Inputs in = make_inputs({"", 2, T, T, W, heads, {}}, dtype, 700);
    Tensor full;
    AttentionContext ctx;
    attention_forward(in.q, in.k, in.v, heads, {true, {}}, full, ctx);
    for (int64_t t = 0; t < T; ++t) {
      Tensor step;
      attention_forward(in.q.narrow(1, t, 1).clone(), in.k.narrow(1, 0, t + 1).clone(),
                        in.v.narrow(1, 0, t + 1).clone(), heads, {true, {}}, step, ctx);
      EXPECT_TRUE(test::all_close(step, full.narrow(1, t, 1).clone(), 1e-6, 1e-6))
          << dtype_name(dtype) << " step " << t;
    }
  }
}

TEST(Attention, BackwardAccumulatesAndSkipsUndefinedGradients) {
  const Case c = cases()[0];
  Inputs in = make_inputs(c, DType::f64, 800);
  Tensor out;
  AttentionContext ctx;
  attention_forward(in.q, in.k, in.v, c.heads, c.mask, out, ctx);
  Tensor dout = test::random_tensor(out.shape(), DType::f64, 801);
  Tensor dq1 = Tensor::zeros(in.q.shape(), DType::f64), dq2 = Tensor::zeros(in.q.shape(), DType::f64);
  Tensor dk = Tensor::zeros(in.k.shape(), DType::f64), dv = Tensor::zeros(in.v.shape(), DType::f64);
  attention_backward(in.q, in.k, in.v, c.heads, ctx, dout, dq1, dk, dv);
  attention_backward(in.q, in.k, in.v, c.heads, ctx, dout, dq2, Tensor(), Tensor());
  attention_backward(in.q, in.k, in.v, c.heads, ctx, dout, dq2, Tensor(), Tensor());
  for (int64_t i = 0; i < dq1.numel(); ++i)
    EXPECT_NEAR(test::element(dq2, i), 2 * test::element(dq1, i), 1e-12);
  Tensor dv_only = Tensor::zeros(in.v.shape(), DType::f64);
  attention_backward(in.q, in.k, in.v, c.heads, ctx, dout, Tensor(), Tensor(), dv_only);
  EXPECT_TRUE(test::all_close(dv_only, dv, 1e-12, 1e-14));
}

using test::expect_error;

TEST(Attention, BadInputThrowsNamingOpAndShapes) {
  Tensor q = Tensor::zeros({2, 3, 6}, DType::f32), k = Tensor::zeros({2, 4, 6}, DType::f32);
  Tensor v = Tensor::zeros({2, 4, 6}, DType::f32);
  auto forward = [](Tensor q, Tensor k, Tensor v, int64_t heads, ops::AttentionMask mask) {
    return [=] {
      Tensor out;
      AttentionContext ctx;
      attention_forward(q, k, v, heads, mask, out, ctx);
    };
  };
  const std::vector<std::string> names{"attention", "f32[2, 3, 6]", "f32[2, 4, 6]"};
  expect_error(forward(q, k, v, 4, {}), {"attention", "heads 4", "f32[2, 3, 6]"});  // 6 % 4 != 0
  expect_error(forward(q, k, v, 0, {}), names);
  expect_error(forward(q, Tensor::zeros({1, 4, 6}, DType::f32), v, 3, {}),
               {"attention", "batch", "f32[1, 4, 6]"});
  expect_error(forward(q, Tensor::zeros({2, 4, 8}, DType::f32), v, 3, {}),
               {"attention", "width", "f32[2, 4, 8]"});
  expect_error(forward(q, k, Tensor::zeros({2, 5, 6}, DType::f32), 3, {}),
               {"attention", "f32[2, 5, 6]"});
  expect_error(forward(q, k, v, 3, {false, {4}}), names);     // key_lengths: wrong size
  expect_error(forward(q, k, v, 3, {false, {4, 5}}), names);  // > Tk
  expect_error(forward(q, k, v, 3, {false, {0, 4}}), names);  // a row without keys
  expect_error(forward(q, k, Tensor::zeros({2, 4, 6}, DType::f64), 3, {}), {"attention", "f64[2, 4, 6]"});
  expect_error(forward(k, q, q, 3, {true, {}}), {"attention", "Tq = 4 > Tk = 3"});

  // Backward: a context from another forward, and a gradient of the wrong shape.
  Tensor out;
  AttentionContext ctx;
  attention_forward(q, k, v, 3, {}, out, ctx);
  expect_error([&] { attention_backward(q, k, v, 2, ctx, out, q.clone(), Tensor(), Tensor()); },
               {"attention_backward", "f32[2, 3, 3, 4]"});
  expect_error([&] {
    attention_backward(q, k, v, 3, ctx, out, Tensor(), Tensor::zeros({2, 3, 6}, DType::f32), Tensor());
  }, {"attention_backward", "dk", "f32[2, 3, 6]", "f32[2, 4, 6]"});
}

}  // namespace
}  // namespace hat
