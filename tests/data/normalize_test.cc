// Text normalisation (NFKC, white space, control characters) applied to corpus lines.
#include <gtest/gtest.h>

#include "supernet/data/normalize.h"

namespace hat::data {
namespace {

TEST(Normalize, AppliesNfkcAndCollapsesWhiteSpace) {
  EXPECT_EQ(normalize_text("  Es   war\tpurer  Zufall.  "), "Es war purer Zufall.");
  EXPECT_EQ(normalize_text("\xef\xac\x81nden"), "finden");                  // U+FB01 ligature fi
  EXPECT_EQ(normalize_text("\xef\xbc\xa1\xef\xbc\xa2"), "AB");              // full-width letters
  EXPECT_EQ(normalize_text("a\xc2\xa0" "b"), "a b");                        // no-break space
  EXPECT_EQ(normalize_text("Gru\xcc\x88\xc3\x9f" "e"), "Grüße");            // u + combining diaeresis -> ü
  EXPECT_EQ(normalize_text("zero\xe2\x80\x8bwidth\x01"), "zerowidth");      // ZWSP and a control character
  EXPECT_EQ(normalize_text("Wait\xe2\x80\xa6"), "Wait...");                 // ellipsis character
  for (const char* s : {"  Grüße \xef\xac\x81 x ", "A\xe2\x80\x83" "B", "plain"})
    EXPECT_EQ(normalize_text(normalize_text(s)), normalize_text(s)) << s;
}

}  // namespace
}  // namespace hat::data
