// sacreBLEU-compatible BLEU: 13a tokenisation, hand-computed scores, and file input errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "devices/error.h"
#include "supernet/eval/bleu.h"
#include "supernet/eval/eval_files.h"
#include "supernet/eval/tokenize_13a.h"

namespace hat::eval {
namespace {

namespace fs = std::filesystem;

using Refs = std::vector<std::vector<std::string>>;

// ---- 13a tokenisation (expected outputs traced by hand through tokenizer_13a.py's steps) ----

TEST(Tokenize13a, SeparatesPunctuationButNotApostrophes) {
  EXPECT_EQ(tokenize_13a("Hello, world!"), "Hello , world !");
  EXPECT_EQ(tokenize_13a("I'm a student."), "I'm a student .");
  EXPECT_EQ(tokenize_13a("(a) [b] {c} x/y a+b=c? @home #1 50% ~_^`|\\"),
            "( a ) [ b ] { c } x / y a + b = c ? @ home # 1 50 % ~ _ ^ ` | \\");
}

TEST(Tokenize13a, KeepsPeriodsAndCommasInsideNumbers) {
  EXPECT_EQ(tokenize_13a("It costs $1,000.50."), "It costs $ 1,000.50 .");
  EXPECT_EQ(tokenize_13a("x,5 and 5,x"), "x , 5 and 5 , x");  // comma split unless digit-digit
  EXPECT_EQ(tokenize_13a("e.g. U.S.A."), "e . g . U . S . A .");
  // re.sub's non-overlapping matches: " a.. " -> "a. " matched, then ". " by the next pass.
  EXPECT_EQ(tokenize_13a("a.."), "a . .");
  EXPECT_EQ(tokenize_13a("1.."), "1 . .");
}

TEST(Tokenize13a, SplitsDashesOnlyAfterDigits) {
  EXPECT_EQ(tokenize_13a("pages 10-20 and well-known"), "pages 10 - 20 and well-known");
  EXPECT_EQ(tokenize_13a("-5 and a-1"), "-5 and a-1");
}

TEST(Tokenize13a, UnescapesTheFourHtmlEntitiesAndDropsSkipped) {
  EXPECT_EQ(tokenize_13a("Tom &amp; Jerry &quot;hi&quot; &lt;b&gt;"),
            "Tom & Jerry \" hi \" < b >");
  EXPECT_EQ(tokenize_13a("&apos; &#39;"), "& apos ; & # 39 ;");  // not unescaped by 13a
  EXPECT_EQ(tokenize_13a("&amp;lt;"), "<");                      // replacements run in order
  EXPECT_EQ(tokenize_13a("a <skipped> b"), "a b");
}

TEST(Tokenize13a, HandlesUnicodeAndPythonWhitespace) {
  EXPECT_EQ(tokenize_13a("Größe: 5,5 €."), "Größe : 5,5 € .");
  EXPECT_EQ(tokenize_13a("a\u00A0b\u3000c\td  "), "a b c d");  // NBSP, ideographic space, tab
  EXPECT_EQ(tokenize_13a(""), "");
  EXPECT_EQ(tokenize_13a("   "), "");
  EXPECT_THROW(tokenize_13a("bad \xff byte"), Error);
}

// ---- BLEU on hand-computable cases ----

TEST(Bleu, PerfectMatchScores100) {
  BleuScore s = corpus_bleu({"The cat sat on the mat.", "Hi!"},
                            {{"The cat sat on the mat.", "Hi!"}});
  EXPECT_DOUBLE_EQ(s.score, 100.0);
  EXPECT_DOUBLE_EQ(s.bp, 1.0);
  EXPECT_EQ(s.stats.hyp_len, 9);
  EXPECT_EQ(s.format(),
            "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 9 "
            "ref_len = 9)");
}

TEST(Bleu, NoFourGramMatchIsSmoothedExponentially) {
  // hyp "a b c d", ref "a b c e": 1-grams 3/4, 2-grams 2/3, 3-grams 1/2, 4-grams 0/1.
  // exp smoothing: the first zero order gets 100 / (2^1 * 1) = 50.
  // BLEU = (75 * 66.67 * 50 * 50)^(1/4) = (12,500,000)^(1/4).
  BleuScore s = corpus_bleu({"a b c d"}, {{"a b c e"}});
  EXPECT_EQ(s.stats.correct, (std::array<int64_t, 4>{3, 2, 1, 0}));
  EXPECT_EQ(s.stats.total, (std::array<int64_t, 4>{4, 3, 2, 1}));
  EXPECT_NEAR(s.precisions[3], 50.0, 1e-12);
  EXPECT_NEAR(s.score, std::pow(12.5e6, 0.25), 1e-9);
}

TEST(Bleu, SeveralZeroOrdersDoubleTheSmoothingEachTime) {
  // hyp "a x b y c" (5 tokens), ref "a b c": 1-grams 3/5; 2-grams 0/4 -> 100/(2*4) = 12.5;
  // 3-grams 0/3 -> 100/(4*3); 4-grams 0/2 -> 100/(8*2) = 6.25. BP = 1 (5 >= 3).
  BleuScore s = corpus_bleu({"a x b y c"}, {{"a b c"}});
  EXPECT_NEAR(s.precisions[0], 60.0, 1e-12);
  EXPECT_NEAR(s.precisions[1], 12.5, 1e-12);
  EXPECT_NEAR(s.precisions[2], 100.0 / 12.0, 1e-12);
  EXPECT_NEAR(s.precisions[3], 6.25, 1e-12);
  EXPECT_NEAR(s.score, std::pow(60.0 * 12.5 * (100.0 / 12.0) * 6.25, 0.25), 1e-9);
}

TEST(Bleu, EmptyHypothesisScoresZero) {
  BleuScore s = corpus_bleu({""}, {{"a b"}});
  EXPECT_EQ(s.score, 0.0);
  EXPECT_EQ(s.bp, 0.0);  // sys_len = 0
  EXPECT_EQ(s.format(),
            "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 2)");
  // An empty line among others only adds its reference length.
  BleuScore t = corpus_bleu({"a b c d", ""}, {{"a b c d", "x y"}});
  EXPECT_EQ(t.stats.hyp_len, 4);
  EXPECT_EQ(t.stats.ref_len, 6);
  EXPECT_NEAR(t.score, 100.0 * std::exp(1.0 - 6.0 / 4.0), 1e-9);
}

TEST(Bleu, BrevityPenaltyForAShortHypothesis) {
  // Every n-gram of the 5-token hypothesis matches the 8-token reference: BLEU = 100 e^(1-8/5).
  BleuScore s = corpus_bleu({"a b c d e"}, {{"a b c d e f g h"}});
  EXPECT_NEAR(s.bp, std::exp(-0.6), 1e-15);
  EXPECT_NEAR(s.score, 100.0 * std::exp(-0.6), 1e-9);
  EXPECT_NEAR(s.ratio, 5.0 / 8.0, 1e-15);
}

TEST(Bleu, NoFourGramsInTheHypothesisScoresZeroAsSacrebleu) {
  // total_4 = 0 ends sacreBLEU's loop: p4 stays 0, log floored to -9999999999, BLEU = 0.
  BleuScore s = corpus_bleu({"the cat sat"}, {{"the cat sat on the mat"}});
  EXPECT_NEAR(s.precisions[0], 100.0, 1e-12);
  EXPECT_EQ(s.precisions[3], 0.0);
  EXPECT_EQ(s.score, 0.0);
}

TEST(Bleu, MultipleReferencesClipByTheMaximumAndPickTheClosestLength) {
  // hyp "a b c d" vs "a b c e" and "x b c d": every 1/2/3-gram is in some reference, "a b c d"
  // is in none: precisions 100/100/100/50.
  BleuScore s = corpus_bleu({"a b c d"}, {{"a b c e"}, {"x b c d"}});
  EXPECT_NEAR(s.score, std::pow(100.0 * 100.0 * 100.0 * 50.0, 0.25), 1e-9);
  // Reference lengths 3 and 5 are equally close to 4: the shorter wins.
  EXPECT_EQ(segment_bleu_stats("a b c d", {"a b c", "a b c d e"}).ref_len, 3);
  EXPECT_EQ(segment_bleu_stats("a b c d", {"a b c d e", "a b"}).ref_len, 5);
  EXPECT_EQ(bleu_signature({{"a"}, {"b"}}), "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0");
  EXPECT_EQ(bleu_signature({{"a", "b"}, {"c", ""}}).substr(0, 10), "nrefs:var|");
}

TEST(Bleu, SmallCorpusMatchesTheDefinitionComputedByHand) {
  // Tokens (13a) and counts, case-sensitive:
  // 1. hyp  The cat is on the mat .        (7)   ref The cat sat on the mat . (7)
  //    1-grams 6/7 (all but "is"); 2-grams 4/6 (The cat, on the, the mat, mat .);
  //    3-grams 2/5 (on the mat, the mat .); 4-grams 1/4 (on the mat .)
  // 2. hyp  There is a dog , 3.5 metres long .  (9)  ref A dog is 3.5 metres long . (7)
  //    1-grams 6/9 (is dog 3.5 metres long .; "a" != "A"); 2-grams 3/8 (3.5 metres,
  //    metres long, long .); 3-grams 2/7 (3.5 metres long, metres long .); 4-grams 1/6
  // 3. hyp  (empty)                         (0)   ref Hello world ! (3): adds ref_len 3 only
  // 4. hyp  He said : " yes " .             (7)   ref He said " yes " . (6)
  //    1-grams 6/7 (all but ":"; '"' twice, clipped to 2); 2-grams 4/6 (He said, " yes,
  //    yes ", " .); 3-grams 2/5 (" yes ", yes " .); 4-grams 1/4 (" yes " .)
  // Sums: correct 18/11/6/3, totals 23/20/17/14, hyp_len 23, ref_len 7+7+3+6 = 23, BP = 1.
  // BLEU = (100*18/23 * 100*11/20 * 100*6/17 * 100*3/14)^(1/4) = 42.48
  const std::vector<std::string> hyps = {"The cat is on the mat.", "There is a dog, 3.5 metres long.",
                                         "", "He said: \"yes\"."};
  const Refs refs = {{"The cat sat on the mat.", "A dog is 3.5 metres long.", "Hello world!",
                      "He said \"yes\"."}};
  BleuScore s = corpus_bleu(hyps, refs);
  EXPECT_EQ(s.stats.correct, (std::array<int64_t, 4>{18, 11, 6, 3}));
  EXPECT_EQ(s.stats.total, (std::array<int64_t, 4>{23, 20, 17, 14}));
  EXPECT_EQ(s.stats.hyp_len, 23);
  EXPECT_EQ(s.stats.ref_len, 23);
  const double expected =
      std::pow((100.0 * 18 / 23) * (100.0 * 11 / 20) * (100.0 * 6 / 17) * (100.0 * 3 / 14), 0.25);
  EXPECT_NEAR(s.score, expected, 1e-9);
  EXPECT_EQ(s.format(), "BLEU = 42.48 78.3/55.0/35.3/21.4 (BP = 1.000 ratio = 1.000 hyp_len = 23 "
                        "ref_len = 23)");
}

TEST(Bleu, RejectsMismatchedStreamsAndMissingReferences) {
  EXPECT_THROW(corpus_bleu({"a", "b"}, {{"a"}}), Error);
  EXPECT_THROW(corpus_bleu({"a"}, {}), Error);
  try {
    corpus_bleu({"a", "b"}, {{"a", ""}});
    FAIL() << "expected hat::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

// ---- reading hypothesis/reference files ----

class EvalFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hat_eval_files_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& bytes) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  fs::path dir_;
};

TEST_F(EvalFiles, KeepsEmptyLinesAndDropsCarriageReturns) {
  fs::path p = write("hyp.txt", "a b\r\n\nc");
  EXPECT_EQ(read_segments(p), (std::vector<std::string>{"a b", "", "c"}));
  EXPECT_EQ(read_segments(write("empty.txt", "")).size(), 0u);
  EXPECT_EQ(read_segments(write("one.txt", "x\n")), (std::vector<std::string>{"x"}));
}

TEST_F(EvalFiles, ErrorsNameFilesLinesAndCounts) {
  fs::path hyp = write("hyp.txt", "a\nb\nc\n");
  fs::path ref = write("ref.txt", "a\nb\n");
  std::string m = error_of([&] { read_scoring_input(hyp, {ref}); });
  EXPECT_NE(m.find("hyp.txt"), std::string::npos) << m;
  EXPECT_NE(m.find("ref.txt"), std::string::npos) << m;
  EXPECT_NE(m.find("3 lines"), std::string::npos) << m;
  EXPECT_NE(m.find("has 2"), std::string::npos) << m;

  m = error_of([&] { read_segments(write("bad.txt", "ok\nbad \xc3\x28 here\n")); });
  EXPECT_NE(m.find("bad.txt"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;

  m = error_of([&] { read_segments(dir_ / "missing.txt"); });
  EXPECT_NE(m.find("missing.txt"), std::string::npos) << m;

  m = error_of([&] { read_scoring_input(hyp, {write("ref3.txt", "a\n\nc\n")}); });
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
  EXPECT_NE(m.find("ref3.txt"), std::string::npos) << m;
}

TEST_F(EvalFiles, EmptyHypothesisLinesAreAllowed) {
  ScoringInput in = read_scoring_input(write("h.txt", "\nb\n"), {write("r.txt", "a\nb\n")});
  EXPECT_EQ(in.hyps, (std::vector<std::string>{"", "b"}));
  EXPECT_EQ(in.refs.size(), 1u);
}

}  // namespace
}  // namespace hat::eval
