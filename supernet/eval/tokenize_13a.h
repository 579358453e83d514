// sacreBLEU's default "13a" tokenizer (mteval-v13a.pl's), the one its BLEU uses by default.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hat::eval {

// True for the code points Python's str.isspace() accepts (what sacreBLEU's str.split() splits
// on): \t \n \v \f \r, U+001C..U+001F, space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000.
bool is_python_space(char32_t c);

// Tokenizes one line exactly as sacreBLEU 2.x's Tokenizer13a (with TokenizerRegexp):
//   1. drop "<skipped>", "-\n"; "\n" -> " "; &quot; &amp; &lt; &gt; -> " & < > (in that order);
//   2. pad with a space on both sides;
//   3. " \1 " around every ASCII punctuation except ' , - . (regex [\{-\~\[-\` -\&\(-\+\:-\@\/]);
//   4. ([^0-9])([.,]) -> "\1 \2 "   (period/comma not preceded by a digit);
//   5. ([.,])([^0-9]) -> " \1 \2"   (period/comma not followed by a digit);
//   6. ([0-9])(-)     -> "\1 \2 "   (dash preceded by a digit);
//   7. split on whitespace and join with single spaces.
// `line` must be valid UTF-8; throws hat::Error otherwise.
std::string tokenize_13a(std::string_view line);

// Splits on Python whitespace (str.split() with no argument); valid UTF-8 in, tokens out.
std::vector<std::string> split_python_whitespace(std::string_view text);

}  // namespace hat::eval
