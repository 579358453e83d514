// Token-budget batching: each sentence once per epoch, no batch over budget, seeded order,
// exact resumption from a cursor; and collation into padded rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "devices/error.h"
#include "supernet/data/collate.h"
#include "supernet/data/random.h"
#include "supernet/data/special_tokens.h"
#include "supernet/data/token_batches.h"

namespace hat::data {
namespace {

struct Lengths {
  std::vector<uint32_t> source, target;
};

// Sentence lengths spread like a real corpus (2..60 tokens), with a few very long ones.
Lengths random_lengths(size_t n, uint64_t seed) {
  Rng rng(seed);
  Lengths l;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t s = 2 + static_cast<uint32_t>(rng.below(59));
    l.source.push_back(s);
    const int64_t t = int64_t{s} + static_cast<int64_t>(rng.below(11)) - 5;
    l.target.push_back(static_cast<uint32_t>(std::max<int64_t>(2, t)));
  }
  l.source[17] = 5000;  // longer than the budget: skipped
  l.target[99] = 4097;
  return l;
}

std::vector<std::vector<uint32_t>> all_batches(const EpochBatches& e) {
  std::vector<std::vector<uint32_t>> out;
  for (size_t b = 0; b < e.size(); ++b) out.emplace_back(e[b].begin(), e[b].end());
  return out;
}

TEST(TokenBatches, EverySentenceOncePerEpochAndNoBatchOverBudget) {
  const Lengths l = random_lengths(5000, 1);
  const TokenBatcher batcher(l.source, l.target, {.max_tokens = 4096, .max_sentences = 0, .seed = 7, .shuffle = true});
  EXPECT_EQ(batcher.skipped(), 2u);
  for (uint64_t epoch = 1; epoch <= 3; ++epoch) {
    const EpochBatches e = batcher.epoch(epoch);
    std::vector<int> seen(l.source.size(), 0);
    uint64_t padded = 0, real = 0;
    for (size_t b = 0; b < e.size(); ++b) {
      uint32_t longest_src = 0, longest_tgt = 0;
      for (uint32_t i : e[b]) {
        ++seen[i];
        longest_src = std::max(longest_src, l.source[i]);
        longest_tgt = std::max(longest_tgt, l.target[i]);
      }
      EXPECT_LE(e[b].size() * longest_src, 4096u) << "batch " << b;
      EXPECT_LE(e[b].size() * longest_tgt, 4096u) << "batch " << b;
      EXPECT_LE(batcher.cost(e[b]), 4096u);
      padded += e[b].size() * (longest_src + longest_tgt);
      real += batcher.real_tokens(e[b]);
    }
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], (i == 17 || i == 99) ? 0 : 1) << i;
    // Length bucketing keeps padding low (a random order pads about half of every batch).
    EXPECT_LT(double(padded - real) / double(padded), 0.10) << "epoch " << epoch;
  }
}

TEST(TokenBatches, SameSeedSameOrderOtherEpochOrSeedOtherOrder) {
  const Lengths l = random_lengths(3000, 2);
  const BatchOptions options{.max_tokens = 2048, .max_sentences = 0, .seed = 11, .shuffle = true};
  const TokenBatcher a(l.source, l.target, options), b(l.source, l.target, options);
  EXPECT_EQ(all_batches(a.epoch(4)), all_batches(b.epoch(4)));
  EXPECT_NE(all_batches(a.epoch(4)), all_batches(a.epoch(5)));
  BatchOptions other = options;
  other.seed = 12;
  EXPECT_NE(all_batches(a.epoch(4)), all_batches(TokenBatcher(l.source, l.target, other).epoch(4)));
}

TEST(TokenBatches, UnshuffledBatchesAreInLengthOrderEveryEpoch) {
  const Lengths l = random_lengths(1000, 3);
  const TokenBatcher batcher(l.source, l.target, {.max_tokens = 1024, .max_sentences = 0, .seed = 1, .shuffle = false});
  EXPECT_EQ(all_batches(batcher.epoch(1)), all_batches(batcher.epoch(2)));
  const EpochBatches e = batcher.epoch(1);
  uint32_t previous = 0;
  for (size_t b = 0; b < e.size(); ++b)
    for (uint32_t i : e[b]) {
      EXPECT_GE(std::max(l.source[i], l.target[i]), previous);
      previous = std::max(l.source[i], l.target[i]);
    }
}

TEST(TokenBatches, MaxSentencesBoundsTheRows) {
  const Lengths l = random_lengths(2000, 4);
  const TokenBatcher batcher(l.source, l.target, {.max_tokens = 4096, .max_sentences = 16, .seed = 1, .shuffle = true});
  const EpochBatches e = batcher.epoch(1);
  for (size_t b = 0; b < e.size(); ++b) EXPECT_LE(e[b].size(), 16u);
  EXPECT_EQ(e.sentences(), 1998u);
}

TEST(TokenBatches, ResumingFromACursorSeesExactlyTheRemainingBatches) {
  const Lengths l = random_lengths(2000, 5);
  const TokenBatcher batcher(l.source, l.target, {.max_tokens = 2048, .max_sentences = 0, .seed = 9, .shuffle = true});
  BatchIterator straight(batcher);
  const size_t per_epoch = straight.epoch_size();
  std::vector<std::vector<uint32_t>> expected;
  for (size_t k = 0; k < 2 * per_epoch + 5; ++k) {
    const auto batch = straight.next();
    expected.emplace_back(batch.begin(), batch.end());
  }
  // The walk is the epochs' plans, one after another.
  const auto epoch2 = all_batches(batcher.epoch(2));
  ASSERT_EQ(epoch2.size(), per_epoch);
  for (size_t k = 0; k < per_epoch; ++k) ASSERT_EQ(expected[per_epoch + k], epoch2[k]) << k;
  // Stop after 23 batches, keep the cursor as text (as a checkpoint would), resume.
  BatchIterator first(batcher);
  for (size_t k = 0; k < 23; ++k) first.next();
  const std::string saved = first.cursor().to_string();
  EXPECT_EQ(saved, "1:23");
  BatchIterator resumed(batcher, BatchCursor::parse(saved));
  for (size_t k = 23; k < expected.size(); ++k) {
    const auto batch = resumed.next();
    ASSERT_EQ(std::vector<uint32_t>(batch.begin(), batch.end()), expected[k]) << "batch " << k;
  }
  EXPECT_EQ(resumed.cursor(), (BatchCursor{3, 5}));
  // Resuming inside a later epoch works the same.
  BatchIterator later(batcher, BatchCursor::parse("2:7"));
  for (size_t k = per_epoch + 7; k < expected.size(); ++k) {
    const auto batch = later.next();
    ASSERT_EQ(std::vector<uint32_t>(batch.begin(), batch.end()), expected[k]) << "batch " << k;
  }
}

TEST(TokenBatches, IteratingAnEpochIsFast) {
  const Lengths l = random_lengths(200000, 6);  // ten times the default corpus
  const TokenBatcher batcher(l.source, l.target, {.max_tokens = 4096, .max_sentences = 0, .seed = 1, .shuffle = true});
  const auto start = std::chrono::steady_clock::now();
  BatchIterator it(batcher, {1, 0});
  size_t sentences = 0;
  for (size_t k = 0, n = it.epoch_size(); k < n; ++k) sentences += it.next().size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(sentences, 199998u);
  EXPECT_LT(seconds, 0.5);
}

TEST(TokenBatches, BadCursorsAndBudgetsAreErrors) {
  const Lengths l = random_lengths(500, 7);
  const TokenBatcher batcher(l.source, l.target, {});
  EXPECT_THROW(BatchCursor::parse("3"), Error);
  EXPECT_THROW(BatchCursor::parse("0:1"), Error);
  EXPECT_THROW(BatchCursor::parse("2:x"), Error);
  EXPECT_THROW(BatchIterator(batcher, {1, 100000}), Error);
  EXPECT_THROW(TokenBatcher({1, 2}, {1}, {}), Error);
  EXPECT_THROW(BatchIterator(TokenBatcher({50, 60}, {50, 60}, {.max_tokens = 10}), {}), Error);
}

TEST(Collate, PadsRowsAndShiftsTheTargetLikeFairseq) {
  TokenColumn src, tgt;
  src.append(std::vector<int32_t>{10, 11, 12});
  src.append(std::vector<int32_t>{20});
  tgt.append(std::vector<int32_t>{30, 31});
  tgt.append(std::vector<int32_t>{40, 41, 42, 43});
  const std::vector<uint32_t> batch = {1, 0};
  const int32_t P = kPadId, E = kEosId;
  const PaddedBatch b = collate(src, tgt, batch);
  EXPECT_EQ(b.rows, 2u);
  EXPECT_EQ(b.source_len, 4u);
  EXPECT_EQ(b.target_len, 5u);
  EXPECT_EQ(b.source, (std::vector<int32_t>{20, E, P, P, 10, 11, 12, E}));
  EXPECT_EQ(b.target_input, (std::vector<int32_t>{E, 40, 41, 42, 43, E, 30, 31, P, P}));
  EXPECT_EQ(b.target_output, (std::vector<int32_t>{40, 41, 42, 43, E, 30, 31, E, P, P}));
  EXPECT_EQ(b.source_tokens, 6u);
  EXPECT_EQ(b.target_tokens, 8u);
  const PaddedBatch left = collate(src, tgt, batch, true);
  EXPECT_EQ(left.source, (std::vector<int32_t>{P, P, 20, E, 10, 11, 12, E}));
  EXPECT_THROW(collate(src, tgt, std::vector<uint32_t>{2}), Error);
}

}  // namespace
}  // namespace hat::data
