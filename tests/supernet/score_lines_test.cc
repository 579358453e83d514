// hateval's score output: sacreBLEU's score and signature lines per chosen metric, or the bare
// numbers with --score-only.
#include <gtest/gtest.h>

#include "supernet/eval/score_lines.h"

namespace hat::eval {
namespace {

// The sacreBLEU example of bleu_test.cc (BLEU 42.48).
ScoringInput example() {
  return {{"The cat is on the mat.", "There is a dog, 3.5 metres long.", "", "He said: \"yes\"."},
          {{"The cat sat on the mat.", "A dog is 3.5 metres long.", "Hello world!", "He said \"yes\"."}}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  EXPECT_EQ(start, text.size()) << "the last line must end with a newline";
  return lines;
}

TEST(ScoreLines, EachMetricsScoreLineThenItsSignature) {
  const std::vector<std::string> lines = lines_of(format_scores(example(), {}, false));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "BLEU = 42.48 78.3/55.0/35.3/21.4 (BP = 1.000 ratio = 1.000 hyp_len = 23 ref_len = 23)");
  EXPECT_EQ(lines[1], "BLEU signature: nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0");
  EXPECT_EQ(lines[2].rfind("chrF2 = ", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3], "chrF signature: nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.0.0");
}

TEST(ScoreLines, ScoreOnlyPrintsTheNumbersOfTheChosenMetrics) {
  const std::string both = format_scores(example(), {}, true);
  const std::vector<std::string> lines = lines_of(both);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "42.48");
  // The chrF number is the one of the full line (chrF2 = NUMBER).
  EXPECT_EQ("chrF2 = " + lines[1], lines_of(format_scores(example(), {false, true}, false))[0]);
  EXPECT_EQ(format_scores(example(), {true, false}, true), "42.48\n");
  EXPECT_EQ(format_scores(example(), {false, false}, false), "");
  const ScoringInput same{{"a b c d e"}, {{"a b c d e"}}};
  EXPECT_EQ(format_scores(same, {}, true), "100.00\n100.00\n");
}

}  // namespace
}  // namespace hat::eval
