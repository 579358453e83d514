// Bad input to the SuperTransformer: architectures outside its maxima, malformed batches and
// dimensions, each a hat::Error that names the field; and batches from collated data.
#include <gtest/gtest.h>

#include <functional>

#include "tests/supernet/model_test_util.h"

namespace hat {
namespace {

TEST(ModelErrors, CheckArchNamesTheOffendingField) {
  model::SuperTransformer model(test::tiny_dims(), DType::f32);
  EXPECT_NO_THROW(model.check_arch(test::tiny_arch()));
  const std::vector<std::pair<std::function<void(arch::ArchConfig&)>, std::vector<std::string>>>
      cases = {
          {[](arch::ArchConfig& a) { a.encoder_embed_dim = 9; },
           {"encoder_embed_dim = 9", "[1, 8]"}},
          {[](arch::ArchConfig& a) { a.decoder_embed_dim = 0; }, {"decoder_embed_dim = 0"}},
          {[](arch::ArchConfig& a) { a.encoder_layers = 4; }, {"encoder_layers = 4", "[1, 3]"}},
          {[](arch::ArchConfig& a) { a.decoder_layers = 3; }, {"decoder_layers = 3", "[1, 2]"}},
          {[](arch::ArchConfig& a) { a.encoder_ffn_dims.pop_back(); },
           {"encoder_ffn_dims has 2 entries", "encoder_layers = 3"}},
          {[](arch::ArchConfig& a) { a.decoder_ende_layers.push_back(1); },
           {"decoder_ende_layers has 3 entries"}},
          {[](arch::ArchConfig& a) { a.encoder_ffn_dims[1] = 13; },
           {"encoder_ffn_dims[1] = 13", "[1, 12]"}},
          {[](arch::ArchConfig& a) { a.decoder_ffn_dims[0] = 0; }, {"decoder_ffn_dims[0] = 0"}},
          {[](arch::ArchConfig& a) { a.encoder_self_heads[2] = 3; },
           {"encoder_self_heads[2] = 3", "qkv_dim 4"}},
          {[](arch::ArchConfig& a) { a.decoder_self_heads[0] = 0; }, {"decoder_self_heads[0] = 0"}},
          {[](arch::ArchConfig& a) { a.decoder_ende_heads[1] = 8; }, {"decoder_ende_heads[1] = 8"}},
          {[](arch::ArchConfig& a) { a.decoder_ende_layers[0] = 4; },
           {"decoder_ende_layers[0] = 4", "[1, 3]"}},
          {[](arch::ArchConfig& a) { a.decoder_ende_layers[1] = 0; },
           {"decoder_ende_layers[1] = 0"}},
      };
  for (const auto& [change, parts] : cases) {
    arch::ArchConfig a = test::tiny_arch();
    change(a);
    std::vector<std::string> expected = parts;
    expected.push_back("SuperTransformer");
    test::expect_error([&] { model.check_arch(a); }, expected);
    test::expect_error([&] { model.evaluate(a, test::tiny_batch(), 0.1); }, expected);
    test::expect_error([&] { model.parameter_count(a, false); }, expected);
  }
  // Attending to the last 3 layers needs 3 SUPER encoder layers (HAT's encoder_out_all[-3]).
  arch::ModelDims two = test::tiny_dims();
  two.encoder_layers_max = 2;
  model::SuperTransformer shallow(two, DType::f32);
  arch::ArchConfig a = test::tiny_arch();
  a.encoder_layers = 2;
  a.encoder_ffn_dims.resize(2);
  a.encoder_self_heads.resize(2);
  test::expect_error([&] { shallow.check_arch(a); }, {"decoder_ende_layers[1] = 3", "[1, 2]"});
}

TEST(ModelErrors, MalformedBatchesAreRejected) {
  model::SuperTransformer model(test::tiny_dims(), DType::f32);
  const arch::ArchConfig a = test::tiny_arch();
  model::Regularization reg;
  {
    model::ModelBatch b = test::tiny_batch();
    b.source.at<int32_t>({0, 1}) = 13;
    test::expect_error([&] { model.forward_backward(a, b, reg, 1); }, {"13", "vocabulary"});
  }
  {
    model::ModelBatch b = test::tiny_batch();
    b.target_output.at<int32_t>({1, 0}) = -2;
    test::expect_error([&] { model.forward_backward(a, b, reg, 1); }, {"-2"});
  }
  {
    model::ModelBatch b = test::tiny_batch();
    b.source_lengths[1] = 2;
    test::expect_error([&] { model.evaluate(a, b, 0.1); }, {"source row 1", "length 2"});
  }
  {
    model::ModelBatch b = test::tiny_batch();
    b.target_lengths.pop_back();
    test::expect_error([&] { model.evaluate(a, b, 0.1); }, {"1 target_input lengths for 2 rows"});
  }
  {
    model::ModelBatch b = test::tiny_batch();
    b.target_output = Tensor::zeros({2, 3}, DType::i32);
    test::expect_error([&] { model.evaluate(a, b, 0.1); }, {"target_output"});
  }
  {
    const std::vector<int32_t> row(16, 5);
    const model::ModelBatch b = test::make_batch({row}, {{4}});
    test::expect_error([&] { model.evaluate(a, b, 0.1); }, {"17 source", "max_positions 16"});
  }
  test::expect_error([&] { model.evaluate(a, model::ModelBatch{}, 0.1); }, {"empty batch"});
  reg.dropout = 1.0;
  test::expect_error([&] { model.forward_backward(a, test::tiny_batch(), reg, 1); },
                     {"dropout", "[0, 1)"});
}

TEST(ModelErrors, BadDimensionsAreRejected) {
  arch::ModelDims d = test::tiny_dims();
  d.decoder_embed_max = 10;  // shared embeddings need equal widths (as in HAT)
  test::expect_error([&] { model::SuperTransformer m(d); }, {"shared embeddings", "8 and 10"});
  d = test::tiny_dims();
  d.qkv_dim = 0;
  test::expect_error([&] { model::SuperTransformer m(d); }, {"qkv_dim 0"});
  d = test::tiny_dims();
  d.vocab_size = 1;
  test::expect_error([&] { model::SuperTransformer m(d); }, {"padding_idx 1"});
  test::expect_error([&] { model::SuperTransformer m(test::tiny_dims(), DType::i32); }, {"i32"});
}

TEST(ModelBatchTest, FromCollatedRows) {
  data::PaddedBatch p;
  p.rows = 2;
  p.source_len = 4;
  p.target_len = 3;
  p.source = {7, 8, 9, 2, 5, 2, 1, 1};
  p.target_input = {2, 6, 4, 2, 9, 1};
  p.target_output = {6, 4, 2, 9, 2, 1};
  const model::ModelBatch b = model::to_model_batch(p, 1);
  EXPECT_EQ(b.rows(), 2);
  EXPECT_EQ(b.source.shape(), (Shape{2, 4}));
  EXPECT_EQ(b.source.at<int32_t>({1, 1}), 2);
  EXPECT_EQ(b.target_output.at<int32_t>({0, 2}), 2);
  EXPECT_EQ(b.source_lengths, (std::vector<int32_t>{4, 2}));
  EXPECT_EQ(b.target_lengths, (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(b.target_tokens, 5);
  // A model accepts it as it is.
  model::SuperTransformer model(test::tiny_dims(), DType::f32);
  EXPECT_EQ(model.evaluate(test::tiny_arch(), b, 0.1).tokens, 5);
  p.source = {1, 7, 8, 2, 5, 2, 1, 1};
  test::expect_error([&] { model::to_model_batch(p, 1); }, {"left-padded"});
  p.target_output.pop_back();
  test::expect_error([&] { model::to_model_batch(p, 1); }, {"to_model_batch"});
}

}  // namespace
}  // namespace hat
