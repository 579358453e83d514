// Deterministic train/valid/test split: disjoint on both sides, stable, and refusing corpora
// too small for it.
#include <gtest/gtest.h>

#include <set>

#include "devices/error.h"
#include "supernet/data/split.h"

namespace hat::data {
namespace {

// 400 pairs; some share a source sentence (one German, two English) and some share a target.
ParallelText corpus() {
  ParallelText pairs;
  for (int i = 0; i < 400; ++i) {
    const int s = i % 7 == 0 ? i - 1 : i;  // every 7th pair repeats the previous source
    const int t = i % 11 == 0 ? i + 1 : i; // every 11th pair shares its target with the next
    pairs.add("Satz " + std::to_string(s) + ".", "Sentence " + std::to_string(t) + ".");
  }
  return pairs;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

TEST(Split, NoValidOrTestSentenceAppearsInTrainOnEitherSide) {
  const ParallelText pairs = corpus();
  const SplitResult split = split_pairs(pairs, {.valid = 40, .test = 50, .seed = 3}, "corpus");
  EXPECT_GE(split.valid.size(), 40u);
  EXPECT_GE(split.test.size(), 50u);
  EXPECT_LE(split.test.size(), 52u);  // groups here hold at most 3 pairs
  EXPECT_EQ(split.train.size() + split.valid.size() + split.test.size(), pairs.size());
  const auto train_src = as_set(split.train.source), train_tgt = as_set(split.train.target);
  for (const ParallelText* held : {&split.valid, &split.test}) {
    for (const auto& s : held->source) EXPECT_EQ(train_src.count(s), 0u) << s;
    for (const auto& t : held->target) EXPECT_EQ(train_tgt.count(t), 0u) << t;
  }
  for (const auto& s : split.valid.source) EXPECT_EQ(as_set(split.test.source).count(s), 0u) << s;
  for (bool o : overlaps(split.train, {&split.valid, &split.test})) EXPECT_FALSE(o);
}

TEST(Split, PairsStayPairedAndInCorpusOrder) {
  const ParallelText pairs = corpus();
  const SplitResult split = split_pairs(pairs, {.valid = 30, .test = 30, .seed = 1}, "corpus");
  size_t last = 0;
  for (size_t i = 0; i < split.test.size(); ++i) {
    size_t k = last;
    while (k < pairs.size() && !(pairs.source[k] == split.test.source[i] && pairs.target[k] == split.test.target[i])) ++k;
    ASSERT_LT(k, pairs.size()) << "test pair " << i << " is not a corpus pair in order";
    last = k + 1;
  }
}

TEST(Split, SameSeedSameSplitOtherSeedOtherSplit) {
  const ParallelText pairs = corpus();
  const SplitResult a = split_pairs(pairs, {.valid = 30, .test = 30, .seed = 5}, "corpus");
  const SplitResult b = split_pairs(pairs, {.valid = 30, .test = 30, .seed = 5}, "corpus");
  const SplitResult c = split_pairs(pairs, {.valid = 30, .test = 30, .seed = 6}, "corpus");
  EXPECT_EQ(a.test.source, b.test.source);
  EXPECT_EQ(a.valid.target, b.valid.target);
  EXPECT_EQ(a.train.source, b.train.source);
  EXPECT_NE(a.test.source, c.test.source);
}

TEST(Split, ACorpusTooSmallForTheSplitIsAnError) {
  try {
    split_pairs(corpus(), {.valid = 100, .test = 150, .seed = 1}, "my.corpus");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("my.corpus: 400 pairs are too few for 100 valid + 150 test pairs"),
              std::string::npos)
        << e.what();
  }
}

TEST(Split, OneHugeGroupLeavesTrainTooSmall) {
  // Every pair shares the same target: one group, which cannot be split.
  ParallelText pairs;
  for (int i = 0; i < 100; ++i) pairs.add("Satz " + std::to_string(i) + ".", "Same.");
  EXPECT_THROW(split_pairs(pairs, {.valid = 10, .test = 10, .seed = 1}, "corpus"), Error);
}

}  // namespace
}  // namespace hat::data
