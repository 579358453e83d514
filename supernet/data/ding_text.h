// Cleaning one side of one Ding dictionary sub-entry ("Es war purer Zufall.", "sheer/pure
// mockery {f} [ugs.]") into plain text, and the tests that classify the result.
#pragma once

#include <string>
#include <string_view>

namespace hat::data {

// Why a sub-entry could not be resolved into plain text.
enum class DingDrop {
  none,
  empty,                 // nothing left after removing annotations
  unbalanced,            // a bracket or parenthesis without its partner
  attached_parenthesis,  // "(Konzert)chor": an optional part inside a word
  spaced_slash,          // "pure / arrant rhetoric": alternatives of unclear scope
  ellipsis,              // "I am returning ... to you": a template, not a sentence
};

const char* ding_drop_name(DingDrop drop);

struct DingText {
  std::string text;
  DingDrop drop = DingDrop::none;
};

// Cleans one side of a sub-entry: NFKC; removes annotations ({f}, {pl}, [techn.], <purer>,
// /AHU/); keeps the first of ';'-separated synonyms; removes parenthesised optional parts
// ("Es dauert eine (halbe) Ewigkeit." -> "Es dauert eine Ewigkeit."); resolves word
// alternatives to the first ("sheer/pure" -> "sheer", keeping "24/7" and "km/h"); folds
// typographic quotes to ASCII; collapses white space and removes spaces before punctuation.
DingText clean_ding_text(std::string_view raw);

// A sentence starts with a capital letter (after optional opening quotes or '¿', '¡') and ends
// with '.', '!' or '?' (before optional closing quotes).
bool is_sentence(std::string_view text);

// Whether the text holds a dictionary placeholder (jdn., etw., sb., sth., ...): fine in a
// phrase ("to ship sth."), a sign of a template in a sentence.
bool has_placeholder(std::string_view text);

// Number of space-separated words.
size_t count_words(std::string_view text);

}  // namespace hat::data
