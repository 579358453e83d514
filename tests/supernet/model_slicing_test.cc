// Weight sharing in the SuperTransformer: gradients only inside the SubTransformer's slices,
// a SubTransformer equal to a dense model of its size, HAT's encoder-decoder attention sources,
// fairseq's parameter names and the parameter count.
#include <gtest/gtest.h>

#include <string>

#include "supernet/model/layer_params.h"
#include "tests/supernet/model_test_util.h"

namespace hat {
namespace {

model::Regularization no_dropout() {
  model::Regularization r;
  r.dropout = r.attention_dropout = r.activation_dropout = 0.0;
  return r;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// Whether element (r, c) of parameter `name` belongs to SubTransformer `a` (HAT's slices).
bool active(const std::string& name, int64_t r, int64_t c, const arch::ArchConfig& a,
            const arch::ModelDims& d) {
  const int64_t Q = d.qkv_dim, de = a.encoder_embed_dim, dd = a.decoder_embed_dim;
  if (name == "encoder.embed_tokens.weight")
    return c < (d.share_all_embeddings ? std::max(de, dd) : de);
  if (name == "decoder.embed_tokens.weight" || name == "decoder.embed_out") return c < dd;
  const bool decoder = starts_with(name, "decoder.");
  const size_t dot = name.find('.', 15);
  const int64_t layer = std::stoll(name.substr(15, dot - 15));
  const std::string field = name.substr(dot + 1);
  if (layer >= (decoder ? a.decoder_layers : a.encoder_layers)) return false;
  const int64_t dm = decoder ? dd : de;
  const int64_t f = decoder ? a.decoder_ffn_dims[layer] : a.encoder_ffn_dims[layer];
  if (field == "encoder_attn.in_proj_weight") return c < (r < Q ? dd : de);
  if (field == "encoder_attn.q_proj_weight") return c < dd;
  if (field == "encoder_attn.k_proj_weight" || field == "encoder_attn.v_proj_weight") return c < de;
  if (ends_with(field, "in_proj_weight")) return c < dm;
  if (ends_with(field, "in_proj_bias")) return true;
  if (ends_with(field, "out_proj.weight")) return r < dm;
  if (ends_with(field, "out_proj.bias") || ends_with(field, "layer_norm.weight") ||
      ends_with(field, "layer_norm.bias") || field == "fc2.bias")
    return r < dm;
  if (field == "fc1.weight") return r < f && c < dm;
  if (field == "fc1.bias") return r < f;
  if (field == "fc2.weight") return r < dm && c < f;
  ADD_FAILURE() << "unknown parameter " << name;
  return false;
}

void expect_gradients_only_in_slices(const arch::ModelDims& dims, const arch::ArchConfig& arch) {
  model::SuperTransformer model(dims, DType::f64);
  test::randomize(model, 30);
  model::Regularization reg;
  reg.attention_dropout = reg.activation_dropout = 0.1;
  model.forward_backward(arch, test::tiny_batch(), reg, 4);
  for (const auto& e : model.parameters().entries()) {
    const Tensor g = e.grad.dim() == 1 ? e.grad.reshape({e.shape[0], 1}) : e.grad;
    int64_t outside = 0, active_count = 0, nonzero = 0;
    for (int64_t r = 0; r < g.size(0); ++r)
      for (int64_t c = 0; c < g.size(1); ++c) {
        const double v = g.at<double>({r, c});
        if (active(e.name, r, c, arch, dims)) {
          ++active_count;
          nonzero += v != 0.0;
        } else {
          outside += v != 0.0;
        }
      }
    EXPECT_EQ(outside, 0) << e.name << ": gradient outside the SubTransformer's slice";
    if (active_count > 0) {
      EXPECT_GT(nonzero, 0) << e.name << ": no gradient in its slice";
    }
  }
}

TEST(ModelSlicing, GradientsAreExactlyZeroOutsideTheActiveSlices) {
  arch::ArchConfig a = test::tiny_arch();
  a.decoder_layers = 1;  // the second decoder layer is inactive
  a.decoder_ffn_dims = {9};
  a.decoder_self_heads = {4};
  a.decoder_ende_heads = {2};
  a.decoder_ende_layers = {3};
  expect_gradients_only_in_slices(test::tiny_dims(), a);
  a.encoder_layers = 2;  // the third encoder layer too
  a.encoder_ffn_dims = {10, 7};
  a.encoder_self_heads = {2, 1};
  a.encoder_embed_dim = 5;
  a.decoder_embed_dim = 7;
  expect_gradients_only_in_slices(test::tiny_dims(false), a);
}

// Copies the leading blocks of `super`'s parameters into `dense` (a model of the
// SubTransformer's size with the same embed maxima, so the same sinusoidal table).
void export_into(const model::SuperTransformer& super, model::SuperTransformer& dense) {
  for (const auto& e : dense.parameters().entries())
    e.value.copy_from(super.parameters().value(e.name).leading(e.shape));
}

TEST(ModelSlicing, SubTransformerEqualsTheDenseModelOfItsSize) {
  const arch::ModelDims super_dims = test::tiny_dims();
  arch::ArchConfig a = test::full_width_arch(super_dims);
  a.decoder_layers = 1;
  a.encoder_ffn_dims = {10, 10, 10};
  a.encoder_self_heads = {1, 2, 4};
  a.decoder_ffn_dims = {7};
  a.decoder_self_heads = {4};
  a.decoder_ende_heads = {2};
  a.decoder_ende_layers = {3};
  arch::ModelDims dense_dims = super_dims;
  dense_dims.encoder_ffn_max = 10;
  dense_dims.decoder_ffn_max = 7;
  dense_dims.decoder_layers_max = 1;
  model::SuperTransformer super(super_dims, DType::f64), dense(dense_dims, DType::f64);
  test::randomize(super, 40);
  export_into(super, dense);
  const model::ModelBatch batch = test::tiny_batch();
  const model::LossSums ls = super.forward_backward(a, batch, no_dropout(), 1);
  const model::LossSums ld = dense.forward_backward(a, batch, no_dropout(), 1);
  EXPECT_NEAR(ls.loss, ld.loss, 1e-12 * ls.loss);
  EXPECT_NEAR(ls.nll, ld.nll, 1e-12 * ls.nll);
  for (const auto& e : dense.parameters().entries())
    EXPECT_TRUE(test::all_close(super.parameters().grad(e.name).leading(e.shape), e.grad, 1e-10,
                                1e-13))
        << e.name;
  // The dense model's largest SubTransformer (no slicing at all) gives the same loss too.
  arch::ArchConfig b = a;
  b.encoder_self_heads = {2, 2, 2};
  b.decoder_self_heads = b.decoder_ende_heads = b.decoder_ende_layers = {2};
  b.decoder_ende_layers = {1};
  EXPECT_EQ(b, test::full_width_arch(dense_dims, 2));
  EXPECT_NEAR(dense.evaluate(b, batch, 0.1).loss, super.evaluate(b, batch, 0.1).loss,
              1e-12 * ls.loss);
}

// HAT keeps one output per SUPER encoder layer, layers past the sampled count passing their
// input through: with 2 of 3 layers active, "the last two" are the last active output twice,
// and attending to a memory duplicated along time equals attending to it once.
TEST(ModelSlicing, ArbitraryAttentionReadsHatsListOfSuperLayerOutputs) {
  model::SuperTransformer model(test::tiny_dims(), DType::f64);
  test::randomize(model, 50);
  const model::ModelBatch batch = test::tiny_batch();
  arch::ArchConfig a = test::tiny_arch();
  const auto loss = [&](int64_t encoder_layers, int64_t ende0, int64_t ende1) {
    arch::ArchConfig b = a;
    b.encoder_layers = encoder_layers;
    b.encoder_ffn_dims.resize(encoder_layers);
    b.encoder_self_heads.resize(encoder_layers);
    b.decoder_ende_layers = {ende0, ende1};
    return model.evaluate(b, batch, 0.1).loss;
  };
  EXPECT_NEAR(loss(2, 2, 2), loss(2, 1, 1), 1e-12 * loss(2, 1, 1));
  EXPECT_NEAR(loss(1, 3, 2), loss(1, 1, 1), 1e-12 * loss(1, 1, 1));
  // With all three layers active the sources differ, and so does the loss.
  EXPECT_GT(std::abs(loss(3, 2, 2) - loss(3, 1, 1)), 1e-6);
  EXPECT_GT(std::abs(loss(3, 3, 1) - loss(3, 2, 1)), 1e-6);
  EXPECT_GT(std::abs(loss(2, 3, 1) - loss(2, 1, 1)), 1e-6);  // [out1, out1, out0]
}

TEST(ModelParameters, HaveFairseqNamesAtSuperTransformerShapes) {
  const arch::ModelDims d = test::tiny_dims();
  model::SuperTransformer shared(d, DType::f32);
  const ParameterStore& p = shared.parameters();
  const std::vector<std::pair<std::string, Shape>> expected = {
      {"encoder.embed_tokens.weight", {13, 8}},
      {"encoder.layers.0.self_attn.in_proj_weight", {12, 8}},
      {"encoder.layers.0.self_attn.in_proj_bias", {12}},
      {"encoder.layers.0.self_attn.out_proj.weight", {8, 4}},
      {"encoder.layers.0.self_attn.out_proj.bias", {8}},
      {"encoder.layers.0.self_attn_layer_norm.weight", {8}},
      {"encoder.layers.1.fc1.weight", {12, 8}},
      {"encoder.layers.1.fc1.bias", {12}},
      {"encoder.layers.1.fc2.weight", {8, 12}},
      {"encoder.layers.2.final_layer_norm.bias", {8}},
      {"decoder.layers.0.self_attn.in_proj_weight", {12, 8}},
      {"decoder.layers.1.encoder_attn.in_proj_weight", {12, 8}},
      {"decoder.layers.1.encoder_attn.in_proj_bias", {12}},
      {"decoder.layers.1.encoder_attn.out_proj.weight", {8, 4}},
      {"decoder.layers.1.encoder_attn_layer_norm.weight", {8}},
      {"decoder.layers.1.final_layer_norm.weight", {8}}};
  for (const auto& [name, shape] : expected) {
    ASSERT_TRUE(p.contains(name)) << name;
    EXPECT_EQ(p.value(name).shape(), shape) << name;
  }
  // 1 embedding + 12 tensors per encoder layer + 18 per decoder layer.
  EXPECT_EQ(p.entries().size(), 1u + 3 * 12 + 2 * 18);
  EXPECT_FALSE(p.contains("decoder.embed_tokens.weight"));
  EXPECT_FALSE(p.contains("decoder.embed_out"));
  EXPECT_EQ(p.entries().front().name, "encoder.embed_tokens.weight");

  model::SuperTransformer separate(test::tiny_dims(false), DType::f32);
  const ParameterStore& q = separate.parameters();
  EXPECT_EQ(q.value("decoder.embed_tokens.weight").shape(), (Shape{13, 10}));
  EXPECT_EQ(q.value("decoder.embed_out").shape(), (Shape{13, 10}));
  EXPECT_EQ(q.value("decoder.layers.0.encoder_attn.q_proj_weight").shape(), (Shape{4, 10}));
  EXPECT_EQ(q.value("decoder.layers.0.encoder_attn.k_proj_weight").shape(), (Shape{4, 8}));
  EXPECT_EQ(q.value("decoder.layers.0.encoder_attn.v_proj_weight").shape(), (Shape{4, 8}));
  EXPECT_FALSE(q.contains("decoder.layers.0.encoder_attn.in_proj_weight"));
  EXPECT_EQ(q.entries().back().name, "decoder.embed_out");
}

// HAT's calc_sampled_param_num, written out: per attention q/k/v weights (d_q Q + 2 d_kv Q), the
// whole in_proj_bias (3 Q), out_proj (d_q Q + d_q); LayerNorms 2 d; fc1 + fc2 2 d f + f + d.
int64_t expected_count(const arch::ArchConfig& a, int64_t Q, int64_t V, bool shared,
                       bool embeddings) {
  const int64_t de = a.encoder_embed_dim, dd = a.decoder_embed_dim;
  int64_t n = 0;
  for (int64_t f : a.encoder_ffn_dims)
    n += (4 * de * Q + 3 * Q + de) + 2 * de + (2 * de * f + f + de) + 2 * de;
  for (int64_t f : a.decoder_ffn_dims)
    n += (4 * dd * Q + 3 * Q + dd) + 2 * dd + (2 * dd * Q + 2 * de * Q + 3 * Q + dd) + 2 * dd +
         (2 * dd * f + f + dd) + 2 * dd;
  if (embeddings) n += shared ? V * std::max(de, dd) : V * (de + 2 * dd);
  return n;
}

TEST(ModelParameters, CountMatchesHatsFormula) {
  for (bool shared : {true, false}) {
    const arch::ModelDims d = test::tiny_dims(shared);
    model::SuperTransformer model(d, DType::f32);
    arch::ArchConfig a = test::tiny_arch();
    a.decoder_embed_dim = shared ? 6 : 9;
    for (bool emb : {false, true})
      EXPECT_EQ(model.parameter_count(a, emb), expected_count(a, 4, 13, shared, emb));
    // The largest SubTransformer uses every element of every tensor.
    int64_t total = 0;
    for (const auto& e : model.parameters().entries()) total += e.value.numel();
    EXPECT_EQ(model.parameter_count(test::full_width_arch(d), true), total);
  }
}

}  // namespace
}  // namespace hat
