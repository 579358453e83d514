// The SuperTransformer as the trainer and the search use it: evaluate, independent batch rows,
// gradient accumulation, bit-for-bit determinism, initialisation, and learning with Adam.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "devices/threads.h"
#include "supernet/optim/adam.h"
#include "tests/supernet/model_test_util.h"

namespace hat {
namespace {

model::Regularization no_dropout() {
  model::Regularization r;
  r.dropout = r.attention_dropout = r.activation_dropout = 0.0;
  return r;
}

model::Regularization with_dropout() {
  model::Regularization r;
  r.dropout = 0.3;
  r.attention_dropout = 0.1;
  r.activation_dropout = 0.1;
  return r;
}

TEST(ModelTraining, EvaluateEqualsForwardBackwardWithoutDropoutAndLeavesGradients) {
  for (DType dtype : {DType::f64, DType::f32}) {
    model::SuperTransformer model(test::tiny_dims(), dtype);
    test::randomize(model, 60);
    const model::ModelBatch batch = test::tiny_batch();
    const model::LossSums train = model.forward_backward(test::tiny_arch(), batch, no_dropout(), 1);
    const Tensor grads = model.parameters().grads().clone();
    const model::LossSums eval = model.evaluate(test::tiny_arch(), batch, 0.1);
    EXPECT_EQ(eval.loss, train.loss);
    EXPECT_EQ(eval.nll, train.nll);
    EXPECT_EQ(eval.tokens, batch.target_tokens);
    EXPECT_TRUE(test::all_close(model.parameters().grads(), grads, 0, 0));
    // Evaluation never drops out, whatever the previous call did.
    model.forward_backward(test::tiny_arch(), batch, with_dropout(), 2);
    EXPECT_EQ(model.evaluate(test::tiny_arch(), batch, 0.1).loss, eval.loss);
    EXPECT_NE(model.forward_backward(test::tiny_arch(), batch, with_dropout(), 2).loss, eval.loss);
    // Plain NLL: the label-smoothed loss at smoothing 0.
    EXPECT_NEAR(model.evaluate(test::tiny_arch(), batch, 0.0).loss, eval.nll, 1e-6 * eval.nll);
  }
}

TEST(ModelTraining, BatchRowsAreIndependent) {
  model::SuperTransformer model(test::tiny_dims(), DType::f64);
  test::randomize(model, 70);
  const arch::ArchConfig a = test::tiny_arch();
  // Row 1 is padded in the pair and unpadded alone.
  const model::ModelBatch both = test::tiny_batch();
  const model::ModelBatch first = test::make_batch({{4, 9, 11, 5, 7}}, {{5, 10, 4, 12}});
  const model::ModelBatch second = test::make_batch({{12, 6, 8}}, {{7, 9}});
  const model::LossSums l_both = model.forward_backward(a, both, no_dropout(), 1);
  const std::vector<Tensor> g_both = test::gradients(model);
  model.parameters().zero_grad();
  model::LossSums l_sep = model.forward_backward(a, first, no_dropout(), 1);
  l_sep += model.forward_backward(a, second, no_dropout(), 1);
  EXPECT_NEAR(l_both.loss, l_sep.loss, 1e-12 * l_both.loss);
  EXPECT_NEAR(l_both.nll, l_sep.nll, 1e-12 * l_both.nll);
  EXPECT_EQ(l_both.tokens, l_sep.tokens);
  const std::vector<Tensor> g_sep = test::gradients(model);
  for (size_t i = 0; i < g_both.size(); ++i)
    EXPECT_TRUE(test::all_close(g_sep[i], g_both[i], 1e-9, 1e-12))
        << model.parameters().entries()[i].name;
}

TEST(ModelTraining, AccumulatingTwoHalfBatchesEqualsOneBatch) {
  for (DType dtype : {DType::f64, DType::f32}) {
    model::SuperTransformer model(test::tiny_dims(), dtype);
    test::randomize(model, 80);
    const arch::ArchConfig a = test::tiny_arch();
    const std::vector<std::vector<int32_t>> src = {{4, 9, 11}, {12, 6, 8, 5}, {7}, {10, 10, 4, 6}};
    const std::vector<std::vector<int32_t>> tgt = {{5, 10}, {7, 9, 4}, {11, 12, 5, 6}, {8}};
    const model::ModelBatch full = test::make_batch(src, tgt);
    const model::ModelBatch half1 = test::make_batch({src[0], src[1]}, {tgt[0], tgt[1]});
    const model::ModelBatch half2 = test::make_batch({src[2], src[3]}, {tgt[2], tgt[3]});
    const double scale = 1.0 / full.target_tokens;
    const model::LossSums l_full = model.forward_backward(a, full, no_dropout(), 1, scale);
    const std::vector<Tensor> g_full = test::gradients(model);
    model.parameters().zero_grad();
    model::LossSums l_acc = model.forward_backward(a, half1, no_dropout(), 1, scale);
    l_acc += model.forward_backward(a, half2, no_dropout(), 1, scale);
    const double tol = dtype == DType::f64 ? 1e-12 : 1e-5;
    EXPECT_NEAR(l_full.loss, l_acc.loss, tol * l_full.loss);
    const std::vector<Tensor> g_acc = test::gradients(model);
    for (size_t i = 0; i < g_full.size(); ++i)
      EXPECT_TRUE(test::all_close(g_acc[i], g_full[i], dtype == DType::f64 ? 1e-9 : 2e-3,
                                  dtype == DType::f64 ? 1e-13 : 1e-6))
          << model.parameters().entries()[i].name << " " << dtype_name(dtype);
  }
}

TEST(ModelTraining, SameSeedGivesBitIdenticalGradients) {
  const int threads = num_threads();
  for (int t : {1, 2}) {  // bit-identical for a given thread count
    set_num_threads(t);
    model::SuperTransformer model(test::tiny_dims(), DType::f32);
    model.init_parameters(3);
    const model::ModelBatch batch = test::tiny_batch();
    const auto run = [&](uint64_t seed) {
      model.parameters().zero_grad();
      const model::LossSums l =
          model.forward_backward(test::tiny_arch(), batch, with_dropout(), seed);
      return std::make_pair(l.loss, model.parameters().grads().clone());
    };
    const auto [loss1, g1] = run(11);
    const auto [loss2, g2] = run(11);
    const auto [loss3, g3] = run(12);
    EXPECT_EQ(loss1, loss2) << t << " threads";
    EXPECT_EQ(std::memcmp(g1.raw(), g2.raw(), g1.numel() * sizeof(float)), 0) << t << " threads";
    EXPECT_NE(loss1, loss3);
    EXPECT_NE(std::memcmp(g1.raw(), g3.raw(), g1.numel() * sizeof(float)), 0);
  }
  set_num_threads(threads);
}

TEST(ModelTraining, InitialisationFollowsFairseqFromTheSeedAlone) {
  arch::ModelDims d = test::tiny_dims();
  d.vocab_size = 400;
  d.encoder_embed_max = d.decoder_embed_max = 64;
  d.encoder_ffn_max = d.decoder_ffn_max = 96;
  d.qkv_dim = 32;
  model::SuperTransformer a(d, DType::f32), b(d, DType::f32), c(d, DType::f64);
  a.init_parameters(5);
  b.init_parameters(5);
  c.init_parameters(5);
  EXPECT_TRUE(test::all_close(a.parameters().values(), b.parameters().values(), 0, 0));
  for (const auto& e : a.parameters().entries())  // f64 holds the same draws
    EXPECT_TRUE(test::all_close(e.value, test::cast(c.parameters().value(e.name), DType::f32), 0, 0));
  b.init_parameters(6);
  EXPECT_FALSE(test::all_close(a.parameters().values(), b.parameters().values(), 0, 0));

  const ParameterStore& p = a.parameters();
  const auto stats = [](const Tensor& t) {
    double sum = 0, sq = 0, max = 0;
    for (double v : test::to_vector(t)) {
      sum += v;
      sq += v * v;
      max = std::max(max, std::abs(v));
    }
    const double n = static_cast<double>(t.numel());
    return std::array<double, 3>{sum / n, std::sqrt(sq / n), max};
  };
  // Embedding: N(0, 64^-1/2), padding row 0.
  const Tensor emb = p.value("encoder.embed_tokens.weight");
  const auto es = stats(emb);
  EXPECT_NEAR(es[0], 0.0, 0.01);
  EXPECT_NEAR(es[1], 0.125, 0.005);
  for (int64_t c = 0; c < 64; ++c) EXPECT_EQ(emb.at<float>({1, c}), 0.0f);
  // Xavier uniform over the whole super shape: in_proj_weight [96, 64], fc1 [96, 64].
  for (const char* name : {"encoder.layers.0.self_attn.in_proj_weight", "decoder.layers.1.fc1.weight",
                           "decoder.layers.0.encoder_attn.out_proj.weight"}) {
    const Tensor w = p.value(name);
    const double bound = std::sqrt(6.0 / (w.size(0) + w.size(1)));
    const auto s = stats(w);
    EXPECT_LE(s[2], bound) << name;
    EXPECT_GT(s[2], 0.98 * bound) << name;
    EXPECT_NEAR(s[1], bound / std::sqrt(3.0), 0.03 * bound) << name;
  }
  for (const char* name : {"encoder.layers.2.final_layer_norm.weight",
                           "decoder.layers.0.encoder_attn_layer_norm.weight"})
    EXPECT_EQ(stats(p.value(name))[0], 1.0) << name;
  for (const char* name : {"encoder.layers.0.self_attn.in_proj_bias", "decoder.layers.1.fc2.bias",
                           "decoder.layers.1.final_layer_norm.bias", "encoder.layers.1.fc1.bias"})
    EXPECT_EQ(stats(p.value(name))[2], 0.0) << name;
  // decoder.embed_out (separate embeddings): N(0, d^-1/2) without a zero padding row.
  model::SuperTransformer s(test::tiny_dims(false), DType::f64);
  s.init_parameters(5);
  double pad_row = 0;
  for (int64_t c = 0; c < 10; ++c) pad_row += std::abs(s.parameters().value("decoder.embed_out").at<double>({1, c}));
  EXPECT_GT(pad_row, 0.0);
}

TEST(ModelTraining, AdamTrainingLowersTheLossOfASubTransformer) {
  model::SuperTransformer model(test::tiny_dims(), DType::f32);
  model.init_parameters(1);
  optim::Adam adam(model.parameters());
  const model::ModelBatch batch = test::tiny_batch();
  model::Regularization reg = with_dropout();
  reg.dropout = 0.1;
  double first = 0, last = 0;
  for (int step = 0; step < 80; ++step) {
    model.parameters().zero_grad();
    const model::LossSums l =
        model.forward_backward(test::tiny_arch(), batch, reg, step, 1.0 / batch.target_tokens);
    if (step == 0) first = l.loss / l.tokens;
    last = l.loss / l.tokens;
    adam.step(1e-2);
  }
  EXPECT_LT(last, 0.5 * first) << "first " << first << ", last " << last;
  EXPECT_LT(model.evaluate(test::tiny_arch(), batch, 0.1).loss / batch.target_tokens, 0.5 * first);
}

}  // namespace
}  // namespace hat
