// hatdata batches' figures: every kept sentence counted once, padding and the largest batch
// measured on the collated rows, and the line it prints.
#include <gtest/gtest.h>

#include "supernet/data/epoch_batch_stats.h"
#include "supernet/data/random.h"

namespace hat::data {
namespace {

// `n` pairs of 1-30 tokens (plus eos) with ids above the special tokens; pair 7's source is
// longer than any budget below, so the batcher skips it.
TokenSplit random_split(size_t n, uint64_t seed) {
  Rng rng(seed);
  TokenSplit split;
  for (size_t i = 0; i < n; ++i) {
    std::vector<int32_t> src(i == 7 ? 600 : 1 + rng.below(30), 5), tgt(1 + rng.below(30), 6);
    split.source.append(src);
    split.target.append(tgt);
  }
  return split;
}

TEST(EpochBatchStats, CountsEveryKeptSentenceOnceAndMeasuresThePadding) {
  const TokenSplit data = random_split(500, 3);
  const TokenBatcher batcher(data.source.lengths(), data.target.lengths(), {.max_tokens = 256, .seed = 1});
  ASSERT_EQ(batcher.skipped(), 1u);
  uint64_t kept_tokens = 0;
  for (size_t i = 0; i < data.size(); ++i)
    if (i != 7) kept_tokens += data.source.length(i) + data.target.length(i);
  for (uint64_t epoch = 1; epoch <= 2; ++epoch) {
    const EpochBatchStats s = plan_epoch_batches(data, batcher, epoch);
    EXPECT_EQ(s.batches, batcher.epoch(epoch).size());
    EXPECT_EQ(s.sentences, 499u);
    EXPECT_EQ(s.real_tokens, kept_tokens);
    EXPECT_GT(s.padded_tokens, s.real_tokens);  // random lengths always leave some padding
    EXPECT_LE(s.largest_cost, 256u);
    EXPECT_GT(s.largest_cost, 128u);  // batches are filled up towards the budget
    EXPECT_GE(s.seconds, 0.0);
  }
}

TEST(EpochBatchStats, FormatsTheLineHatdataPrints) {
  const EpochBatchStats s{.batches = 4, .sentences = 10, .padded_tokens = 200, .real_tokens = 150,
                          .largest_cost = 90, .seconds = 0.00125};
  EXPECT_EQ(format_epoch_batch_stats(2, s, 100),
            "epoch 2: 4 batches, 10 sentences, 2.5 rows/batch, largest cost 90 <= 100, padding 25.0%, "
            "planned+collated in 1.2 ms");
}

}  // namespace
}  // namespace hat::data
