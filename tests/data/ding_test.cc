// Extraction of sentence and phrase pairs from a small Ding-format fixture.
#include <gtest/gtest.h>

#include <sstream>

#include "devices/error.h"
#include "supernet/data/ding.h"
#include "supernet/data/ding_text.h"

namespace hat::data {
namespace {

// Every kind of line the real dictionary has, in its format.
const char* kFixture =
    "# Version :: test 2024-01-01\n"
    "# License :: GPL Version 2 or later\n"
    "\n"
    // Annotations, a word alternative and a headword (single words: not a pair).
    "blank; pur {adj} | Es war purer Zufall. | Das ist blanker Unsinn. :: sheer; pure <purer> | It was sheer/pure "
    "coincidence. | That is sheer/pure nonsense.\n"
    // Synonyms: the first on each side; an optional part in parentheses; a question.
    "Grenze {f} | Ich habe meine Grenze erreicht.; Ich kann nicht mehr. | Kommst du (heute) mit? :: limit | I "
    "have reached my limit.; I can't take any more. | Are you coming along?\n"
    // Misaligned: three sub-entries against two.
    "Haus {n} | Das Haus ist alt. | Das Haus ist neu. :: house | The house is old.\n"
    // Spaced alternatives (ambiguous scope), an ellipsis template and a placeholder sentence.
    "Tag {m} | Er kam am Montag / Dienstag zurück. | Ich schicke ... an Sie zurück. | Über jdm. schwebt der "
    "Pleitegeier. :: day | He came back on Monday / Tuesday. | I am returning ... to you. | The vultures are "
    "hovering above sb.\n"
    // Abbreviation in slashes, annotation in square brackets, typographic quotes, a unit.
    "Auto {n} /Kfz/ [auto] | Das Auto fährt 100 km/h schnell. | Er sagte: „Halt!“ :: car [Br.] | The car goes "
    "100 km/h fast. | He said: “Stop!”\n"
    // A duplicate of a pair above, a sentence paired with a phrase, and a too-short pair.
    "Zufall {m} | Es war purer Zufall. | Gut so. | das ist gut :: chance | It was pure coincidence. | Good. | "
    "Fine.\n"
    // Phrases (multi-word, not sentences), one with a placeholder.
    "versenden {vt} | etw. versenden | trocken abziehbare Tapete :: to ship | to ship sth. | dry strippable "
    "wallpaper\n"
    // An optional part inside a word cannot be resolved.
    "Chor {m} | Er singt im (Kirchen)chor mit Freude. :: choir | He sings in the church choir with joy.\n"
    // Not a dictionary line.
    "this line has no separator\n";

DingExtraction extract(const std::string& text, bool phrases = false) {
  std::istringstream in(text);
  DingOptions options;
  options.phrases = phrases;
  return extract_ding(in, "fixture", options);
}

TEST(DingText, StripsAnnotationsAndResolvesAlternatives) {
  EXPECT_EQ(clean_ding_text("It was sheer/pure coincidence.").text, "It was sheer coincidence.");
  EXPECT_EQ(clean_ding_text("sheer; pure; plain <purer> <purest> [dated]").text, "sheer");
  EXPECT_EQ(clean_ding_text("Aal {m} (auf der Speisekarte) [cook.]").text, "Aal");
  EXPECT_EQ(clean_ding_text("Abk. {f} /u. dgl. m./ ok").text, "Abk. ok");
  EXPECT_EQ(clean_ding_text("The statements are demonstrably untrue/false.").text,
            "The statements are demonstrably untrue.");
  EXPECT_EQ(clean_ding_text("Er arbeitet 24/7 mit 50 km/h.").text, "Er arbeitet 24/7 mit 50 km/h.");
  EXPECT_EQ(clean_ding_text("Wenn du hustest, halt dir die Hand vor (den Mund)!").text,
            "Wenn du hustest, halt dir die Hand vor!");
  EXPECT_EQ(clean_ding_text("Isn\xe2\x80\x99t it \xe2\x80\x9c" "fine\xe2\x80\x9d?").text, "Isn't it \"fine\"?");
  EXPECT_EQ(clean_ding_text("a (b; c) d; e").text, "a d");
}

TEST(DingText, ReportsWhatCannotBeResolved) {
  EXPECT_EQ(clean_ding_text("pure / arrant rhetoric").drop, DingDrop::spaced_slash);
  EXPECT_EQ(clean_ding_text("(Konzert)chor").drop, DingDrop::attached_parenthesis);
  EXPECT_EQ(clean_ding_text("Kind(er) spielen").drop, DingDrop::attached_parenthesis);
  EXPECT_EQ(clean_ding_text("Ich schicke \xe2\x80\xa6 zur\xc3\xbc" "ck.").drop, DingDrop::ellipsis);
  EXPECT_EQ(clean_ding_text("offen {adj").drop, DingDrop::unbalanced);
  EXPECT_EQ(clean_ding_text("zu ) viel").drop, DingDrop::unbalanced);
  EXPECT_EQ(clean_ding_text("{f} [techn.]").drop, DingDrop::empty);
}

TEST(DingText, ClassifiesSentences) {
  EXPECT_TRUE(is_sentence("Es war purer Zufall."));
  EXPECT_TRUE(is_sentence("\"Halt!\""));
  EXPECT_TRUE(is_sentence("\xc3\x9c" "ber Nacht?"));  // Ü: a non-ASCII capital
  EXPECT_FALSE(is_sentence("es war purer Zufall."));
  EXPECT_FALSE(is_sentence("Es war purer Zufall"));
  EXPECT_TRUE(has_placeholder("Über jdm. schwebt der Pleitegeier."));
  EXPECT_TRUE(has_placeholder("to ship sth."));
  EXPECT_FALSE(has_placeholder("Something else."));
  EXPECT_EQ(count_words(" a  b c "), 3u);
}

TEST(Ding, ExtractsAlignedCleanSentencePairs) {
  const DingExtraction x = extract(kFixture);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Es war purer Zufall.", "It was sheer coincidence."},
      {"Das ist blanker Unsinn.", "That is sheer nonsense."},
      {"Ich habe meine Grenze erreicht.", "I have reached my limit."},
      {"Kommst du mit?", "Are you coming along?"},
      {"Das Auto fährt 100 km/h schnell.", "The car goes 100 km/h fast."},
      {"Er sagte: \"Halt!\"", "He said: \"Stop!\""},
      {"Es war purer Zufall.", "It was pure coincidence."},
  };
  ASSERT_EQ(x.sentences.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(x.sentences.source[i], expected[i].first) << i;
    EXPECT_EQ(x.sentences.target[i], expected[i].second) << i;
  }
  EXPECT_TRUE(x.phrases.size() == 0);
  EXPECT_EQ(x.version, "test 2024-01-01");
}

TEST(Ding, CountsEveryReasonForDropping) {
  DingExtraction x = extract(kFixture);
  EXPECT_EQ(x.counts["lines"], 9u);
  EXPECT_EQ(x.counts["misaligned_lines"], 1u);
  EXPECT_EQ(x.counts["malformed_lines"], 1u);
  EXPECT_EQ(x.counts["dropped_ambiguous_alternatives"], 1u);
  EXPECT_EQ(x.counts["dropped_ellipsis_template"], 1u);
  EXPECT_EQ(x.counts["dropped_placeholder_in_sentence"], 1u);
  EXPECT_EQ(x.counts["dropped_parenthesis_inside_word"], 1u);
  EXPECT_EQ(x.counts["dropped_sentence_paired_with_phrase"], 1u);  // "das ist gut" :: "Fine."
  EXPECT_EQ(x.counts["dropped_too_short"], 1u);                      // "Gut so." :: "Good."
  EXPECT_EQ(x.counts["sentence_pairs"], 7u);
}

TEST(Ding, DropsDuplicatesAndShortPairs) {
  const DingExtraction x = extract(
      "a | Es war so. | Es war so. | Ja. :: a | It was so. | It was so. | Yes.\n");
  ASSERT_EQ(x.sentences.size(), 1u);
  EXPECT_EQ(x.counts.at("dropped_duplicate"), 1u);
  EXPECT_EQ(x.counts.at("dropped_too_short"), 1u);
}

TEST(Ding, FiltersByLengthRatio) {
  const DingExtraction x = extract("a | Er kam heim. :: a | He came back home very late last night.\n");
  EXPECT_EQ(x.sentences.size(), 0u);
  EXPECT_EQ(x.counts.at("dropped_length_ratio"), 1u);
}

TEST(Ding, CollectsPhrasePairsOnlyWhenAsked) {
  const DingExtraction x = extract(kFixture, true);
  EXPECT_EQ(x.sentences.size(), 7u);
  ASSERT_EQ(x.phrases.size(), 2u);
  EXPECT_EQ(x.phrases.source[0], "etw. versenden");
  EXPECT_EQ(x.phrases.target[0], "to ship sth.");
  EXPECT_EQ(x.phrases.source[1], "trocken abziehbare Tapete");
  EXPECT_EQ(x.phrases.target[1], "dry strippable wallpaper");
}

TEST(Ding, InvalidUtf8NamesTheFileAndLine) {
  try {
    extract("a | Es war so. :: a | It was so.\nb | Es w\xe4r so. :: b | It was so.\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "fixture:2: invalid UTF-8 at byte 9 of the line");
  }
}

TEST(Ding, MissingFileSaysWhichPackageProvidesIt) {
  try {
    extract_ding_file("/nonexistent/de-en", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/de-en: no such file"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("trans-de-en"), std::string::npos);
  }
}

TEST(Ding, AFileWithoutDictionaryLinesIsAnError) {
  EXPECT_THROW(extract("# only a comment\n\n"), Error);
}

}  // namespace
}  // namespace hat::data
