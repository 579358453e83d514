// Embedding lookup on a sliced table: values, gradients, padding, determinism, bad ids.
#include <gtest/gtest.h>

#include <cstring>

#include "devices/parameters.h"
#include "devices/threads.h"
#include "supernet/ops/embedding.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

Tensor make_tokens(const Shape& shape, std::initializer_list<int32_t> ids) {
  Tensor t = Tensor::zeros(shape, DType::i32);
  int64_t i = 0;
  for (int32_t id : ids) t.data<int32_t>()[i++] = id;
  EXPECT_EQ(i, t.numel());
  return t;
}

TEST(Embedding, ForwardIsScaledRowOfTheSlicedTable) {
  Tensor full = test::random_tensor({6, 9}, DType::f64, 31);
  Tensor table = full.leading({6, 4});  // row stride 9
  Tensor tokens = make_tokens({2, 3}, {5, 0, 2, 2, 1, 4});
  Tensor out;
  ops::embedding_forward(tokens, table, 2.5, out);
  ASSERT_EQ(out.shape(), (Shape{2, 3, 4}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < 3; ++t) {
      const int32_t id = tokens.at<int32_t>({b, t});
      for (int64_t c = 0; c < 4; ++c)
        EXPECT_EQ(out.at<double>({b, t, c}), 2.5 * full.at<double>({id, c}));
    }
}

TEST(Embedding, GradientMatchesFiniteDifferencesOnASlice) {
  // A [7, 10] SuperTransformer table of which the SubTransformer uses E[:, :6].
  ParameterStore params(DType::f64);
  params.declare("embed", {7, 10});
  params.allocate();
  params.values().copy_from(test::random_tensor({params.total_size()}, DType::f64, 32));
  Tensor table = params.value("embed").leading({7, 6});
  Tensor dtable = params.grad("embed").leading({7, 6});
  Tensor tokens = make_tokens({2, 4}, {3, 6, 0, 3, 2, 2, 5, 3});
  Tensor out;
  EXPECT_TRUE(test::check_gradients(
      {{"table", table, dtable}},
      [&] {
        ops::embedding_forward(tokens, table, 1.7, out);
        return std::vector<Tensor>{out};
      },
      [&](const std::vector<Tensor>& dout) {
        ops::embedding_backward(tokens, dout[0], 1.7, /*padding_idx=*/-1, dtable);
      }));
}

TEST(Embedding, GradientLandsOnlyInUsedRowsAndActiveColumns) {
  ParameterStore params(DType::f32);
  params.declare("embed", {8, 12});
  params.allocate();
  params.values().copy_from(test::random_tensor({params.total_size()}, DType::f32, 33));
  Tensor tokens = make_tokens({4}, {3, 5, 3, 0});
  Tensor dout = test::random_tensor({4, 5}, DType::f32, 34, 0.5, 1.0);  // no zero entries
  ops::embedding_backward(tokens, dout, 1.0, -1, params.grad("embed").leading({8, 5}));
  const Tensor& g = params.grad("embed");
  for (int64_t v = 0; v < 8; ++v)
    for (int64_t c = 0; c < 12; ++c) {
      const bool used = (v == 0 || v == 3 || v == 5) && c < 5;
      if (used)
        EXPECT_NE(g.at<float>({v, c}), 0.0f) << v << "," << c;
      else
        EXPECT_EQ(g.at<float>({v, c}), 0.0f) << v << "," << c;
    }
  int64_t nonzero = 0;
  for (int64_t i = 0; i < params.grads().numel(); ++i)
    nonzero += params.grads().data<float>()[i] != 0.0f;
  EXPECT_EQ(nonzero, 3 * 5);
}

TEST(Embedding, RepeatedTokensAccumulateAndBackwardAdds) {
  Tensor tokens = make_tokens({3}, {2, 2, 2});
  Tensor dout = test::random_tensor({3, 4}, DType::f64, 35);
  Tensor dtable = Tensor::zeros({4, 4}, DType::f64);
  dtable.at<double>({2, 1}) = 10.0;  // existing gradient is kept (backward adds)
  ops::embedding_backward(tokens, dout, 0.5, -1, dtable);
  for (int64_t c = 0; c < 4; ++c) {
    const double sum = dout.at<double>({0, c}) + dout.at<double>({1, c}) + dout.at<double>({2, c});
    EXPECT_NEAR(dtable.at<double>({2, c}), 0.5 * sum + (c == 1 ? 10.0 : 0.0), 1e-15);
  }
  for (int64_t v : {0, 1, 3})
    for (int64_t c = 0; c < 4; ++c) EXPECT_EQ(dtable.at<double>({v, c}), 0.0);
}

TEST(Embedding, PaddingRowGetsNoGradient) {
  // fairseq's nn.Embedding(padding_idx=1): the pad row is looked up but never updated.
  const int64_t pad = 1;
  Tensor table = test::random_tensor({5, 3}, DType::f64, 36);
  Tensor tokens = make_tokens({2, 3}, {4, 2, 1, 3, 1, 1});
  Tensor out;
  ops::embedding_forward(tokens, table, 1.0, out);
  EXPECT_EQ(out.at<double>({0, 2, 0}), table.at<double>({1, 0}));
  Tensor dtable = Tensor::zeros({5, 3}, DType::f64);
  ops::embedding_backward(tokens, test::random_tensor({2, 3, 3}, DType::f64, 37), 1.0, pad, dtable);
  for (int64_t c = 0; c < 3; ++c) {
    EXPECT_EQ(dtable.at<double>({pad, c}), 0.0);
    EXPECT_EQ(dtable.at<double>({0, c}), 0.0);  // unused
    for (int64_t v : {2, 3, 4}) EXPECT_NE(dtable.at<double>({v, c}), 0.0);
  }
}

TEST(Embedding, ScatterAddIsBitwiseTheSameForAnyThreadCount) {
  Tensor tokens = Tensor::zeros({400}, DType::i32);
  for (int64_t i = 0; i < 400; ++i) tokens.data<int32_t>()[i] = (i * 31) % 17;
  Tensor dout = test::random_tensor({400, 96}, DType::f32, 40);
  const int saved = num_threads();
  std::vector<Tensor> grads;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    Tensor dtable = Tensor::zeros({17, 96}, DType::f32);
    ops::embedding_backward(tokens, dout, 0.3, 4, dtable);
    grads.push_back(dtable);
  }
  set_num_threads(saved);
  for (size_t k = 1; k < grads.size(); ++k)
    EXPECT_EQ(std::memcmp(grads[0].raw(), grads[k].raw(), 17 * 96 * sizeof(float)), 0) << k;
}

TEST(Embedding, OutOfRangeIdsThrowNamingIdPositionAndVocabulary) {
  Tensor table = Tensor::zeros({6, 4}, DType::f32), out;
  for (int32_t bad : {6, -1}) {
    Tensor tokens = make_tokens({2, 3}, {0, 1, 2, 3, 4, bad});
    try {
      ops::embedding_forward(tokens, table, 1.0, out);
      FAIL() << bad;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("embedding"), std::string::npos) << msg;
      EXPECT_NE(msg.find("token id " + std::to_string(bad)), std::string::npos) << msg;
      EXPECT_NE(msg.find("[1, 2]"), std::string::npos) << msg;
      EXPECT_NE(msg.find("size 6"), std::string::npos) << msg;
    }
    EXPECT_THROW(ops::embedding_backward(tokens, Tensor::zeros({2, 3, 4}, DType::f32), 1.0, -1,
                                         Tensor::zeros({6, 4}, DType::f32)),
                 Error);
  }
}

TEST(Embedding, MismatchedShapesAndTypesThrow) {
  Tensor tokens = make_tokens({2}, {0, 1}), out;
  Tensor table = Tensor::zeros({4, 3}, DType::f32);
  EXPECT_THROW(ops::embedding_forward(Tensor::zeros({2}, DType::f32), table, 1.0, out), Error);
  test::expect_error(
      [&] {
        ops::embedding_backward(tokens, Tensor::zeros({2, 5}, DType::f32), 1.0, -1, table);
      },
      {"embedding_backward", "[2, 5]"});
  EXPECT_THROW(ops::embedding_backward(tokens, Tensor::zeros({2, 3}, DType::f64), 1.0, -1, table),
               Error);
  EXPECT_THROW(ops::embedding_backward(tokens, Tensor::zeros({2, 3}, DType::f32), 1.0, 4, table),
               Error);  // padding_idx outside the vocabulary
  Tensor wrong_out = Tensor::zeros({2, 4}, DType::f32);
  EXPECT_THROW(ops::embedding_forward(tokens, table, 1.0, wrong_out), Error);
}

}  // namespace
}  // namespace hat
