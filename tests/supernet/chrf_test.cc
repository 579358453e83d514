// sacreBLEU-compatible chrF2 on hand-computed cases.
#include <gtest/gtest.h>

#include "devices/error.h"
#include "supernet/eval/chrf.h"

namespace hat::eval {
namespace {

TEST(Chrf, PerfectMatchScores100AndEmptyHypothesisZero) {
  EXPECT_NEAR(corpus_chrf({"The cat sat."}, {{"The cat sat."}}), 100.0, 1e-12);
  EXPECT_EQ(corpus_chrf({""}, {{"abc"}}), 0.0);
  EXPECT_EQ(format_chrf(100.0), "chrF2 = 100.00");
}

TEST(Chrf, SymmetricCaseEqualsThePrecision) {
  // hyp "abc" vs ref "abd": 1-grams 2 of 3/3, 2-grams 1 of 2/2, 3-grams 0 of 1/1, orders 4-6
  // have no n-grams and do not count. P = R = (2/3 + 1/2 + 0) / 3 = 7/18, so F2 = P.
  ChrfStats s = segment_chrf_stats("abc", "abd");
  EXPECT_EQ(s.hyp, (std::array<int64_t, 6>{3, 2, 1, 0, 0, 0}));
  EXPECT_EQ(s.match, (std::array<int64_t, 6>{2, 1, 0, 0, 0, 0}));
  EXPECT_NEAR(compute_chrf(s), 100.0 * 7.0 / 18.0, 1e-12);
  // Whitespace is removed before counting: the same score.
  EXPECT_NEAR(corpus_chrf({"a bc"}, {{"ab d"}}), 100.0 * 7.0 / 18.0, 1e-12);
}

TEST(Chrf, RecallWeighsFourTimesPrecision) {
  // hyp "ab" vs ref "abc": 1-grams 2/2 hyp, 2/3 ref; 2-grams 1/1, 1/2; 3-grams: hyp has none.
  // P = (1 + 1) / 2 = 1, R = (2/3 + 1/2) / 2 = 7/12, F2 = 5 P R / (4 P + R) = 35/55 = 7/11.
  EXPECT_NEAR(corpus_chrf({"ab"}, {{"abc"}}), 100.0 * 7.0 / 11.0, 1e-12);
}

TEST(Chrf, CorpusSumsStatisticsBeforeScoring) {
  // Sums of the two cases above: 1-grams hyp 5, ref 6, match 4; 2-grams 3, 4, 2; 3-grams 1, 2,
  // 0. P = (4/5 + 2/3 + 0) / 3 = 22/45, R = (4/6 + 2/4 + 0) / 3 = 7/18, F2 = 5PR / (4P + R).
  const double p = 22.0 / 45.0, r = 7.0 / 18.0;
  EXPECT_NEAR(corpus_chrf({"abc", "ab"}, {{"abd", "abc"}}), 100.0 * 5 * p * r / (4 * p + r), 1e-12);
}

TEST(Chrf, KeepsTheBestReferencePerSegmentAndChecksInput) {
  EXPECT_NEAR(corpus_chrf({"abc"}, {{"abd"}, {"abc"}}), 100.0, 1e-12);
  EXPECT_EQ(chrf_signature({{"a"}}), "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.0.0");
  EXPECT_THROW(corpus_chrf({"a", "b"}, {{"a"}}), Error);
  EXPECT_THROW(corpus_chrf({"a"}, {{""}}), Error);
  EXPECT_THROW(segment_chrf_stats("\xff", "a"), Error);
}

}  // namespace
}  // namespace hat::eval
