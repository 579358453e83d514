// The decoder's memory: the block arena reuses its chunks and frees the ones a batch did not
// reach, and the decoder's key/value accounting matches the cache it is meant to hold (one copy,
// sized by the rows and steps the batch has) and does not grow when the same work repeats.
#include <gtest/gtest.h>

#include <algorithm>

#include "supernet/decode/beam_search.h"
#include "supernet/decode/block_arena.h"
#include "tests/supernet/model_test_util.h"

namespace hat {
namespace {

using Rows = std::vector<std::vector<int32_t>>;

TEST(BlockArena, BlocksAreDenseDisjointAndReusedAfterReset) {
  decode::BlockArena arena;
  std::vector<const float*> first;
  for (int i = 0; i < 10; ++i) {
    const Tensor b = arena.take(300, 512, DType::f32);
    ASSERT_EQ(b.shape(), (Shape{300, 512}));
    ASSERT_TRUE(b.is_contiguous());
    std::fill(b.data<float>(), b.data<float>() + b.numel(), static_cast<float>(i));
    first.push_back(b.data<float>());
  }
  // Every block kept its own values: none overlaps another.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(first[i][0], static_cast<float>(i));
    EXPECT_EQ(first[i][300 * 512 - 1], static_cast<float>(i));
  }
  EXPECT_EQ(arena.bytes_taken(), 10 * 300 * 512 * 4);
  const int64_t held = arena.bytes_held();
  EXPECT_GE(held, arena.bytes_taken());
  EXPECT_LE(held, arena.bytes_taken() + 2 * decode::BlockArena::kChunkElements * 4);

  arena.reset();
  EXPECT_EQ(arena.bytes_taken(), 0);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(arena.take(300, 512, DType::f32).data<float>(), first[i]);
  EXPECT_EQ(arena.bytes_held(), held);  // the same work again: nothing new
}

TEST(BlockArena, ResetFreesTheChunksASmallerBatchDidNotReach) {
  decode::BlockArena arena;
  for (int i = 0; i < 10; ++i) arena.take(300, 512, DType::f32);  // two 4 MB chunks
  ASSERT_EQ(arena.bytes_held(), 2 * decode::BlockArena::kChunkElements * 4);
  arena.reset();
  arena.take(10, 4, DType::f32);
  arena.take(10, 4, DType::f32);
  arena.reset();  // the small batch used the first chunk only
  EXPECT_EQ(arena.bytes_held(), decode::BlockArena::kChunkElements * 4);
  // A block larger than a chunk gets a chunk of four such blocks.
  const int64_t big = decode::BlockArena::kChunkElements / 512 + 1;
  arena.take(big, 512, DType::f32);
  EXPECT_EQ(arena.bytes_held(), (decode::BlockArena::kChunkElements + 4 * big * 512) * 4);
}

// Encodes three sentences, expands each to two beams and runs `steps` steps.
void run_beams_by_hand(decode::IncrementalDecoder& decoder, const model::ModelBatch& src,
                       int64_t steps) {
  decoder.encode(src.source, src.source_lengths);
  decoder.step({2, 2, 2});
  decoder.reorder({0, 0, 1, 1, 2, 2});
  for (int64_t t = 1; t < steps; ++t) {
    decoder.step({4, 5, 6, 7, 8, 9});
    decoder.reorder({1, 1, 2, 3, 5, 4});  // beams swap and repeat; the cache must not move
  }
}

TEST(DecoderMemory, CacheBytesAreOneCopyOfTheBatchsKeysAndValues) {
  const arch::ModelDims dims = test::tiny_dims();
  const arch::ArchConfig arch = test::tiny_arch();
  model::SuperTransformer model(dims, DType::f32);
  test::randomize(model, 3);
  const Rows sources = {{4, 9, 11, 5, 7}, {12, 6, 8}, {3, 10}};
  const model::ModelBatch src = test::make_batch(sources, Rows(sources.size()));
  decode::IncrementalDecoder decoder(model, arch);
  const int64_t steps = 5, N = 3, S = src.source.size(1), width = 2 * dims.qkv_dim;
  run_beams_by_hand(decoder, src, steps);

  // Self-attention: step 0 holds N rows, every later step 2N, per decoder layer. Encoder-decoder:
  // each layer's n encoder outputs of every sentence.
  int64_t elements = 0;
  for (int64_t l = 0; l < arch.decoder_layers; ++l)
    elements += (N + (steps - 1) * 2 * N) * width + N * arch.decoder_ende_layers[l] * S * width;
  EXPECT_EQ(decoder.cache_bytes(), elements * 4);
  EXPECT_EQ(decoder.peak_cache_bytes(), elements * 4);

  // The same batch again: the arena hands out the same chunks.
  const int64_t held = decoder.cache_bytes_held();
  EXPECT_GT(held, 0);
  for (int repeat = 0; repeat < 3; ++repeat) run_beams_by_hand(decoder, src, steps);
  EXPECT_EQ(decoder.cache_bytes_held(), held);
  EXPECT_EQ(decoder.peak_cache_bytes(), elements * 4);
}

TEST(DecoderMemory, ManyBatchesHoldNoMoreThanTheLargest) {
  const arch::ModelDims dims = test::tiny_dims();
  model::SuperTransformer model(dims, DType::f32);
  test::randomize(model, 4);
  decode::IncrementalDecoder decoder(model, test::tiny_arch());
  decode::BeamSearchOptions options;
  options.beam = 3;
  options.max_len_b = 10;
  Rows sources;
  for (int i = 0; i < 40; ++i) sources.push_back({static_cast<int32_t>(3 + i % 10), 5, 7});
  decode::beam_search(decoder, sources, options);
  const int64_t held = decoder.cache_bytes_held(), peak = decoder.peak_cache_bytes();
  // Many smaller batches of other shapes afterwards: nothing more is held.
  for (int i = 0; i < 20; ++i) {
    const Rows batch(sources.begin(), sources.begin() + 1 + i % 7);
    decode::beam_search(decoder, batch, options);
  }
  EXPECT_LE(decoder.cache_bytes_held(), held);
  EXPECT_EQ(decoder.peak_cache_bytes(), peak);
  EXPECT_LE(held, peak + decode::BlockArena::kChunkElements * 4);
}

}  // namespace
}  // namespace hat
