// The decoder's single-query attentions against a naive softmax(q k^T / sqrt(dh)) v written
// out here: encoder-decoder attention with blocks shared by several rows and segmented key
// masks, self-attention through each row's ancestry in the step blocks.
#include "supernet/decode/decode_attention.h"

#include <cmath>
#include <utility>

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace hat {
namespace {

// out[r, h] for one row, directly from the definition, in double.
std::vector<double> naive_row(const Tensor& q, const Tensor& kv, int64_t r, int64_t block,
                              int64_t keys, int64_t heads, int64_t segment, int32_t valid) {
  const int64_t Q = q.size(1), dh = Q / heads;
  std::vector<double> out(Q, 0.0);
  for (int64_t h = 0; h < heads; ++h) {
    std::vector<double> w(keys, 0.0);
    double m = -INFINITY, sum = 0;
    for (int64_t j = 0; j < keys; ++j) {
      if (segment > 0 && j % segment >= valid) continue;
      double dot = 0;
      for (int64_t i = 0; i < dh; ++i)
        dot += test::element(q, r * Q + h * dh + i) *
               test::element(kv, (block * kv.size(1) + j) * 2 * Q + h * dh + i);
      w[j] = dot / std::sqrt(static_cast<double>(dh));
      m = std::max(m, w[j]);
    }
    for (int64_t j = 0; j < keys; ++j) {
      w[j] = (segment > 0 && j % segment >= valid) ? 0.0 : std::exp(w[j] - m);
      sum += w[j];
    }
    for (int64_t j = 0; j < keys; ++j)
      for (int64_t i = 0; i < dh; ++i)
        out[h * dh + i] += w[j] / sum *
                           test::element(kv, (block * kv.size(1) + j) * 2 * Q + Q + h * dh + i);
  }
  return out;
}

// The encoder-decoder layout of kv [blocks, keys, 2Q]: keys transposed per block, values.
std::pair<Tensor, Tensor> cross_layout(const Tensor& kv) {
  const int64_t blocks = kv.size(0), keys = kv.size(1), Q = kv.size(2) / 2;
  const Tensor k_t = Tensor::zeros({blocks, Q, keys}, kv.dtype());
  const Tensor v = Tensor::zeros({blocks, keys, Q}, kv.dtype());
  k_t.copy_from(kv.narrow(2, 0, Q).transpose(1, 2));
  v.copy_from(kv.narrow(2, Q, Q));
  return {k_t, v};
}

// Rows reading blocks in any order (beams of sentences that finished are gone), unmasked and
// with two segments of 5 keys of which block 0 keeps 3 and block 1 all 5.
void expect_cross_matches_naive(DType dtype, double tol) {
  const int64_t rows = 6, heads = 2, Q = 8;
  const Tensor q = test::random_tensor({rows, Q}, dtype, 1);
  const Tensor kv = test::random_tensor({2, 10, 2 * Q}, dtype, 2);
  const auto [k_t, v] = cross_layout(kv);
  const std::vector<int64_t> blocks = {1, 0, 1, 1, 0, 0};
  Tensor out = Tensor::zeros({rows, Q}, dtype);
  decode::cross_attention_forward(q, k_t, v, blocks, heads, out, 10, {10, 10});
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<double> want = naive_row(q, kv, r, blocks[r], 10, heads, 0, 0);
    for (int64_t i = 0; i < Q; ++i) EXPECT_NEAR(test::element(out, r * Q + i), want[i], tol);
  }
  const std::vector<int32_t> valid = {3, 5};
  decode::cross_attention_forward(q, k_t, v, blocks, heads, out, 5, valid);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = blocks[r];
    const std::vector<double> want = naive_row(q, kv, r, b, 10, heads, 5, valid[b]);
    for (int64_t i = 0; i < Q; ++i) EXPECT_NEAR(test::element(out, r * Q + i), want[i], tol);
  }
}

TEST(DecodeAttention, CrossMatchesTheDefinitionF64) { expect_cross_matches_naive(DType::f64, 1e-12); }
TEST(DecodeAttention, CrossMatchesTheDefinitionF32) { expect_cross_matches_naive(DType::f32, 1e-5); }

// Self-attention over step blocks through each row's ancestry equals attention over a cache in
// which every row's keys/values were copied in order.
TEST(DecodeAttention, StepBlocksThroughAncestryEqualACopiedCache) {
  const int64_t heads = 2, Q = 8, R = 3, steps = 4, width = 2 * Q;
  const std::vector<int64_t> rows_at = {2, 3, 3, 3};  // step 0 before the expansion to 3 rows
  std::vector<Tensor> blocks;
  for (int64_t s = 0; s < steps; ++s)
    blocks.push_back(test::random_tensor({rows_at[s], width}, DType::f64, 10 + s));
  // Row r's ancestor in each step (the last step: itself); the stride leaves room.
  const int64_t stride = 6;
  const std::vector<int32_t> ancestry = {1, 2, 0, 0, 0, 0,
                                         0, 0, 2, 1, 0, 0,
                                         1, 1, 1, 2, 0, 0};
  const Tensor q = test::random_tensor({R, Q}, DType::f64, 5);
  Tensor out = Tensor::zeros({R, Q}, DType::f64);
  decode::step_attention_forward(q, blocks, ancestry.data(), stride, heads, out);
  const Tensor copied = Tensor::zeros({R, steps, width}, DType::f64);
  for (int64_t r = 0; r < R; ++r)
    for (int64_t s = 0; s < steps; ++s)
      copied.reshape({R * steps, width}).narrow(0, r * steps + s, 1)
          .copy_from(blocks[s].narrow(0, ancestry[r * stride + s], 1));
  for (int64_t r = 0; r < R; ++r) {
    const std::vector<double> want = naive_row(q, copied, r, r, steps, heads, 0, 0);
    for (int64_t i = 0; i < Q; ++i) EXPECT_NEAR(test::element(out, r * Q + i), want[i], 1e-12);
  }
  const std::vector<int32_t> bad = {1, 3, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 1, 1, 1, 2, 0, 0};
  test::expect_error([&] { decode::step_attention_forward(q, blocks, bad.data(), stride, heads, out); },
                     {"step_attention_forward", "row 0 descends from row 3 of step 1"});
}

TEST(DecodeAttention, RefusesMismatchedShapes) {
  const Tensor q = Tensor::zeros({4, 8}, DType::f32), out = Tensor::zeros({4, 8}, DType::f32);
  const Tensor k_t = Tensor::zeros({2, 8, 6}, DType::f32), v = Tensor::zeros({2, 6, 8}, DType::f32);
  const std::vector<int64_t> blocks = {0, 1, 1, 0};
  test::expect_error([&] { decode::cross_attention_forward(q, k_t, v, {0, 1}, 2, out, 6, {6, 6}); },
                     {"cross_attention_forward", "2 row blocks"});
  test::expect_error([&] { decode::cross_attention_forward(q, k_t, v, {0, 1, 2, 0}, 2, out, 6, {6, 6}); },
                     {"row block 2 outside the 2 blocks"});
  test::expect_error([&] { decode::cross_attention_forward(q, k_t, v, blocks, 3, out, 6, {6, 6}); },
                     {"3 heads"});
  test::expect_error([&] { decode::cross_attention_forward(q, k_t, v, blocks, 2, out, 4, {4, 4}); },
                     {"6 keys in segments of 4"});
  test::expect_error([&] { decode::cross_attention_forward(q, k_t, v, blocks, 2, out, 3, {0, 2}); },
                     {"valid length 0"});
  test::expect_error([&] { decode::cross_attention_forward(q, v, k_t, blocks, 2, out, 6, {6, 6}); },
                     {"k_t must be dense [blocks, Q, keys]"});
}

}  // namespace
}  // namespace hat
