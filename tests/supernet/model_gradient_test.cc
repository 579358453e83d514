// SuperTransformer backward against finite differences of its loss (f64), with and without
// dropout, shared and separate embeddings; the f32 (oneDNN) model against the f64 model.
#include <gtest/gtest.h>

#include "tests/supernet/model_test_util.h"

namespace hat {
namespace {

// d(w * loss)/d(every parameter) from forward_backward against central differences of the
// loss (forward_backward again: with a fixed seed the model is a deterministic function).
void expect_gradients_match(const arch::ModelDims& dims, const arch::ArchConfig& arch,
                            const model::Regularization& reg, uint64_t seed) {
  model::SuperTransformer model(dims, DType::f64);
  test::randomize(model, 10);
  const model::ModelBatch batch = test::tiny_batch();
  std::vector<test::GradInput> inputs;
  for (const auto& e : model.parameters().entries())
    inputs.push_back({e.name, e.value, Tensor::zeros(e.shape, DType::f64)});
  const bool dropout = reg.dropout > 0 || reg.attention_dropout > 0 || reg.activation_dropout > 0;
  const auto loss = [&] {  // without dropout, evaluate is the same function at half the cost
    Tensor out = Tensor::zeros({1}, DType::f64);
    out.data<double>()[0] = dropout ? model.forward_backward(arch, batch, reg, seed).loss
                                    : model.evaluate(arch, batch, reg.label_smoothing).loss;
    return std::vector<Tensor>{out};
  };
  const auto backward = [&](const std::vector<Tensor>& w) {
    model.parameters().zero_grad();
    model.forward_backward(arch, batch, reg, seed, w[0].data<double>()[0]);
    for (size_t i = 0; i < inputs.size(); ++i)
      inputs[i].grad.copy_from(model.parameters().entries()[i].grad);
  };
  EXPECT_TRUE(test::check_gradients(inputs, loss, backward));
}

model::Regularization no_dropout() {
  model::Regularization r;
  r.dropout = r.attention_dropout = r.activation_dropout = 0.0;
  r.label_smoothing = 0.1;
  return r;
}

model::Regularization with_dropout() {
  model::Regularization r;
  r.dropout = 0.3;
  r.attention_dropout = 0.2;
  r.activation_dropout = 0.25;
  r.label_smoothing = 0.1;
  return r;
}

TEST(ModelGradients, MatchFiniteDifferencesWithoutDropout) {
  expect_gradients_match(test::tiny_dims(), test::tiny_arch(), no_dropout(), 1);
}

TEST(ModelGradients, MatchFiniteDifferencesWithDropout) {
  expect_gradients_match(test::tiny_dims(), test::tiny_arch(), with_dropout(), 5);
}

TEST(ModelGradients, MatchFiniteDifferencesWithSeparateEmbeddingsAndWidths) {
  // Decoder max 10 != encoder max 8: separate decoder embedding and output matrix, and
  // encoder_attn with separate q/k/v_proj_weight; decoder 7 wide, encoder 5.
  arch::ArchConfig a = test::tiny_arch();
  a.encoder_embed_dim = 5;
  a.decoder_embed_dim = 7;
  a.decoder_ende_layers = {3, 1};
  expect_gradients_match(test::tiny_dims(false), a, with_dropout(), 9);
}

TEST(ModelGradients, MatchFiniteDifferencesWithFewerEncoderLayers) {
  // Two of three encoder layers active: HAT's third-last output is then the last active one.
  arch::ArchConfig a = test::tiny_arch();
  a.encoder_layers = 2;
  a.encoder_ffn_dims = {10, 7};
  a.encoder_self_heads = {2, 1};
  expect_gradients_match(test::tiny_dims(), a, no_dropout(), 2);
}

// f32 (oneDNN) against f64 (reference loops) on the same parameters: loss and every gradient.
void expect_float_matches_double(const arch::ModelDims& dims, const arch::ArchConfig& arch,
                                 const model::Regularization& reg) {
  model::SuperTransformer m64(dims, DType::f64), m32(dims, DType::f32);
  test::randomize(m64, 20);
  test::copy_parameters(m64, m32);
  const model::ModelBatch batch = test::tiny_batch();
  const model::LossSums l64 = m64.forward_backward(arch, batch, reg, 3, 0.5);
  const model::LossSums l32 = m32.forward_backward(arch, batch, reg, 3, 0.5);
  EXPECT_NEAR(l32.loss, l64.loss, 1e-4 * std::abs(l64.loss));
  EXPECT_NEAR(l32.nll, l64.nll, 1e-4 * std::abs(l64.nll));
  EXPECT_EQ(l32.tokens, l64.tokens);
  const auto& e64 = m64.parameters().entries();
  for (size_t i = 0; i < e64.size(); ++i)
    EXPECT_TRUE(test::all_close(test::cast(m32.parameters().grad(e64[i].name), DType::f64),
                                e64[i].grad, 1e-3, 1e-5))
        << e64[i].name;
}

TEST(ModelFloat, F32MatchesF64) {
  expect_float_matches_double(test::tiny_dims(), test::tiny_arch(), no_dropout());
  expect_float_matches_double(test::tiny_dims(), test::tiny_arch(), with_dropout());
  arch::ArchConfig a = test::tiny_arch();
  a.encoder_embed_dim = 5;
  a.decoder_embed_dim = 7;
  expect_float_matches_double(test::tiny_dims(false), a, with_dropout());
}

}  // namespace
}  // namespace hat
