// The ops composed into a one-layer post-LayerNorm Transformer language model on sliced
// SuperTransformer weights, trained with Adam: the ops learn together, and training is
// bit-for-bit reproducible from its seeds.
#include <gtest/gtest.h>

#include <cmath>

#include "devices/parameters.h"
#include "supernet/ops/dropout.h"
#include "supernet/ops/embedding.h"
#include "supernet/ops/layer_norm.h"
#include "supernet/ops/linear.h"
#include "supernet/ops/positions.h"
#include "supernet/ops/relu.h"
#include "supernet/ops/rows.h"
#include "supernet/optim/adam.h"
#include "supernet/optim/grad_norm.h"
#include "tests/support/reference_attention.h"
#include "tests/support/reference_cross_entropy.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

constexpr int64_t kVocab = 12, kMaxDim = 16, kDim = 12, kQkv = 8, kMaxFfn = 32, kFfn = 24;
constexpr int64_t kBatch = 2, kTime = 6, kHeads = 2;
constexpr int32_t kPad = 1;

class TinyTransformer {
 public:
  explicit TinyTransformer(uint64_t init_seed) {
    for (const char* n : {"q", "k", "v"}) params_.declare(str(n, ".w"), {kQkv, kMaxDim});
    params_.declare("o.w", {kMaxDim, kQkv});
    params_.declare("fc1.w", {kMaxFfn, kMaxDim});
    params_.declare("fc1.b", {kMaxFfn});
    params_.declare("fc2.w", {kMaxDim, kMaxFfn});
    params_.declare("fc2.b", {kMaxDim});
    for (const char* n : {"ln1", "ln2"}) {
      params_.declare(str(n, ".g"), {kMaxDim});
      params_.declare(str(n, ".b"), {kMaxDim});
    }
    params_.declare("embed", {kVocab, kMaxDim});
    params_.allocate();
    for (const auto& e : params_.entries())
      e.value.copy_from(test::random_tensor(e.shape, DType::f32, init_seed++, -0.3, 0.3));
    for (const char* n : {"ln1.g", "ln2.g"})
      for (int64_t i = 0; i < kMaxDim; ++i) params_.value(n).at<float>({i}) = 1.0f;
    positions_ = ops::sinusoidal_table(kTime + kPad + 1, kMaxDim, kPad, DType::f32);
    adam_ = std::make_unique<optim::Adam>(params_);
  }

  // Active slice of a weight (first `rows` rows, `cols` columns) and of its gradient.
  Tensor w(const char* name, int64_t rows, int64_t cols) const { return params_.value(name).leading({rows, cols}); }
  Tensor dw(const char* name, int64_t rows, int64_t cols) const { return params_.grad(name).leading({rows, cols}); }
  Tensor v(const char* name, int64_t n) const { return params_.value(name).leading({n}); }
  Tensor dv(const char* name, int64_t n) const { return params_.grad(name).leading({n}); }

  // One training step on next-token prediction; returns the loss per token.
  double step(const Tensor& tokens, const Tensor& targets, uint64_t dropout_seed) {
    const ops::AttentionMask mask{.causal = true, .key_lengths = {kTime, kTime - 2}};
    // ---- forward ----
    Tensor x0, x, q, k, vv, att, o, r1, h1, f1, f1a, f1d, f2, r2, h2, logits;
    ops::embedding_forward(tokens, w("embed", kVocab, kDim), std::sqrt(double(kDim)), x0);
    ops::add_positions_forward(x0, positions_, kPad + 1, x);
    ops::linear_forward(x, w("q.w", kQkv, kDim), nullptr, q);
    ops::linear_forward(x, w("k.w", kQkv, kDim), nullptr, k);
    ops::linear_forward(x, w("v.w", kQkv, kDim), nullptr, vv);
    AttentionContext actx;
    attention_forward(q, k, vv, kHeads, mask, att, actx);
    ops::linear_forward(att, w("o.w", kDim, kQkv), nullptr, o);
    r1 = x.clone();
    ops::add_into(r1, o, "residual");
    ops::LayerNormContext ln1, ln2;
    ops::layer_norm_forward(r1, v("ln1.g", kDim), v("ln1.b", kDim), ops::kLayerNormEps, h1, ln1);
    const Tensor b1 = v("fc1.b", kFfn), b2 = v("fc2.b", kDim);
    ops::linear_forward(h1, w("fc1.w", kFfn, kDim), &b1, f1);
    ops::relu_forward(f1, f1a);
    ops::dropout_forward(f1a, 0.1, dropout_seed, f1d);
    ops::linear_forward(f1d, w("fc2.w", kDim, kFfn), &b2, f2);
    r2 = h1.clone();
    ops::add_into(r2, f2, "residual");
    ops::layer_norm_forward(r2, v("ln2.g", kDim), v("ln2.b", kDim), ops::kLayerNormEps, h2, ln2);
    ops::linear_forward(h2, w("embed", kVocab, kDim), nullptr, logits);  // shared output embedding
    CrossEntropyContext ce;
    const ops::CrossEntropyResult loss =
        label_smoothed_cross_entropy_forward(logits, targets, 0.1, kPad, ce);

    // ---- backward (each op adds into its gradients) ----
    params_.zero_grad();
    auto zeros = [](const Tensor& t) { return Tensor::zeros(t.shape(), t.dtype()); };
    Tensor dlogits = zeros(logits), dh2 = zeros(h2), dr2 = zeros(r2), df2 = zeros(f2),
           df1d = zeros(f1d), df1a = zeros(f1a), df1 = zeros(f1), dh1 = zeros(h1), dr1 = zeros(r1),
           datt = zeros(att), dq = zeros(q), dk = zeros(k), dvv = zeros(vv), dx = zeros(x),
           dx0 = zeros(x0);
    label_smoothed_cross_entropy_backward(ce, targets, 0.1, kPad, 1.0 / loss.tokens, dlogits);
    ops::linear_backward(h2, w("embed", kVocab, kDim), dlogits, dh2, dw("embed", kVocab, kDim),
                         Tensor());
    ops::layer_norm_backward(r2, v("ln2.g", kDim), ln2, dh2, dr2, dv("ln2.g", kDim),
                             dv("ln2.b", kDim));
    ops::add_into(dh1, dr2, "residual");
    ops::linear_backward(f1d, w("fc2.w", kDim, kFfn), dr2, df1d, dw("fc2.w", kDim, kFfn),
                         dv("fc2.b", kDim));
    ops::dropout_backward(df1d, 0.1, dropout_seed, df1a);
    ops::relu_backward(f1, df1a, df1);
    ops::linear_backward(h1, w("fc1.w", kFfn, kDim), df1, dh1, dw("fc1.w", kFfn, kDim),
                         dv("fc1.b", kFfn));
    ops::layer_norm_backward(r1, v("ln1.g", kDim), ln1, dh1, dr1, dv("ln1.g", kDim),
                             dv("ln1.b", kDim));
    ops::add_into(dx, dr1, "residual");
    ops::linear_backward(att, w("o.w", kDim, kQkv), dr1, datt, dw("o.w", kDim, kQkv), Tensor());
    attention_backward(q, k, vv, kHeads, actx, datt, dq, dk, dvv);
    ops::linear_backward(x, w("q.w", kQkv, kDim), dq, dx, dw("q.w", kQkv, kDim), Tensor());
    ops::linear_backward(x, w("k.w", kQkv, kDim), dk, dx, dw("k.w", kQkv, kDim), Tensor());
    ops::linear_backward(x, w("v.w", kQkv, kDim), dvv, dx, dw("v.w", kQkv, kDim), Tensor());
    ops::add_positions_backward(dx, dx0);
    ops::embedding_backward(tokens, dx0, std::sqrt(double(kDim)), kPad, dw("embed", kVocab, kDim));

    optim::clip_grad_norm(params_.grads(), 1.0);
    adam_->step(3e-3);
    return loss.loss / loss.tokens;
  }

  const ParameterStore& params() const { return params_; }

 private:
  ParameterStore params_{DType::f32};
  Tensor positions_;
  std::unique_ptr<optim::Adam> adam_;
};

// Two sentences of next-token prediction, the second padded by two tokens.
void batch(Tensor& tokens, Tensor& targets) {
  const int32_t seq[kBatch][kTime + 1] = {{2, 5, 7, 9, 4, 6, 8}, {2, 3, 11, 10, 1, 1, 1}};
  tokens = Tensor::zeros({kBatch, kTime}, DType::i32);
  targets = Tensor::zeros({kBatch, kTime}, DType::i32);
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t t = 0; t < kTime; ++t) {
      tokens.at<int32_t>({b, t}) = seq[b][t];
      targets.at<int32_t>({b, t}) = seq[b][t + 1];
    }
}

TEST(TinyTransformer, LearnsATinyBatch) {
  Tensor tokens, targets;
  batch(tokens, targets);
  TinyTransformer model(/*init_seed=*/100);
  const double first = model.step(tokens, targets, 1);
  double last = first;
  for (uint64_t s = 2; s <= 150; ++s) last = model.step(tokens, targets, s);
  EXPECT_TRUE(std::isfinite(last));
  EXPECT_LT(last, 0.5 * first) << "first " << first << ", last " << last;
}

TEST(TinyTransformer, SameSeedsGiveBitIdenticalWeightsAndOthersDoNot) {
  Tensor tokens, targets;
  batch(tokens, targets);
  auto train = [&](uint64_t dropout_base) {
    auto model = std::make_unique<TinyTransformer>(100);
    for (uint64_t s = 0; s < 5; ++s) model->step(tokens, targets, dropout_base + s);
    return model;
  };
  auto a = train(10), b = train(10), c = train(20);
  const Tensor& va = a->params().values();
  EXPECT_TRUE(test::all_close(va, b->params().values(), 0, 0));  // exactly equal
  EXPECT_FALSE(test::all_close(va, c->params().values(), 0, 0));
  // Weights outside the active slice (the last FFN rows) only ever get zero gradients, so
  // Adam's moments stay zero there and, without weight decay, they do not move.
  TinyTransformer untouched(100);
  EXPECT_EQ(a->params().value("fc1.w").at<float>({kMaxFfn - 1, 0}),
            untouched.params().value("fc1.w").at<float>({kMaxFfn - 1, 0}));
  EXPECT_NE(a->params().value("fc1.w").at<float>({0, 0}),
            untouched.params().value("fc1.w").at<float>({0, 0}));
}

}  // namespace
}  // namespace hat
