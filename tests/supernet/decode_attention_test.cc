// The decoder's single-query attention against a naive softmax(q k^T / sqrt(dh)) v written
// out here, with blocks shared by several rows and segmented key masks.
#include "supernet/decode/decode_attention.h"

#include <cmath>

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

void expect_matches_naive(DType dtype, double tol) {
  const int64_t rows = 6, per_block = 3, blocks = 2, heads = 2, Q = 8, capacity = 10;
  const Tensor q = test::random_tensor({rows, Q}, dtype, 1);
  const Tensor kv = test::random_tensor({blocks, capacity, 2 * Q}, dtype, 2);
  // Unmasked over the first 7 keys (a self-attention cache with 7 steps).
  Tensor out = Tensor::zeros({rows, Q}, dtype);
  decode::decode_attention_forward(q, kv, per_block, 7, heads, out);
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<double> want = naive_row(q, kv, r, r / per_block, 7, heads, 0, 0);
    for (int64_t i = 0; i < Q; ++i) EXPECT_NEAR(test::element(out, r * Q + i), want[i], tol);
  }
  // Two segments of 5 keys, block 0 keeps 3 per segment and block 1 all 5.
  const std::vector<int32_t> valid = {3, 5};
  decode::decode_attention_forward(q, kv, per_block, 10, heads, out, 5, &valid);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / per_block;
    const std::vector<double> want = naive_row(q, kv, r, b, 10, heads, 5, valid[b]);
    for (int64_t i = 0; i < Q; ++i) EXPECT_NEAR(test::element(out, r * Q + i), want[i], tol);
  }
}

TEST(DecodeAttention, MatchesTheDefinitionF64) { expect_matches_naive(DType::f64, 1e-12); }
TEST(DecodeAttention, MatchesTheDefinitionF32) { expect_matches_naive(DType::f32, 1e-5); }

// Rows reading blocks in any order (beams of sentences that finished are gone) equal the same
// rows laid out one block per row.
TEST(DecodeAttention, RowBlocksInAnyOrder) {
  const int64_t heads = 2, Q = 8, capacity = 6;
  const Tensor q = test::random_tensor({4, Q}, DType::f64, 3);
  const Tensor kv = test::random_tensor({3, capacity, 2 * Q}, DType::f64, 4);
  const std::vector<int64_t> blocks = {2, 0, 2, 1};
  Tensor out = Tensor::zeros({4, Q}, DType::f64);
  decode::decode_attention_forward(q, kv, blocks, 5, heads, out);
  for (int64_t r = 0; r < 4; ++r) {
    const std::vector<double> want = naive_row(q, kv, r, blocks[r], 5, heads, 0, 0);
    for (int64_t i = 0; i < Q; ++i) EXPECT_NEAR(test::element(out, r * Q + i), want[i], 1e-12);
  }
}

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
  const Tensor kv = Tensor::zeros({2, 5, 16}, DType::f32);
  test::expect_error([&] { decode::decode_attention_forward(q, kv, 1, 3, 2, out); },
                     {"decode_attention_forward", "rows per block"});
  test::expect_error([&] { decode::decode_attention_forward(q, kv, 2, 6, 2, out); }, {"6 keys"});
  test::expect_error([&] { decode::decode_attention_forward(q, kv, 2, 3, 3, out); }, {"3 heads"});
  const std::vector<int32_t> none = {0, 2};
  test::expect_error([&] { decode::decode_attention_forward(q, kv, 2, 4, 2, out, 2, &none); },
                     {"no valid key"});
}

}  // namespace
}  // namespace hat
