// sacreBLEU's 13a tokenizer: the regex passes as explicit scans with re.sub's semantics.
#include "supernet/eval/tokenize_13a.h"

#include "devices/error.h"
#include "util/utf8.h"

namespace hat::eval {
namespace {

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_period_or_comma(char32_t c) { return c == U'.' || c == U','; }

// The class [\{-\~\[-\` -\&\(-\+\:-\@\/]: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
bool is_13a_punct(char32_t c) {
  return (c >= U'{' && c <= U'~') || (c >= U'[' && c <= U'`') || (c >= U' ' && c <= U'&') ||
         (c >= U'(' && c <= U'+') || (c >= U':' && c <= U'@') || c == U'/';
}

std::u32string decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) out.push_back(util::next_code_point(text, i));
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

// re.sub for a pattern of exactly two single-character groups: leftmost, non-overlapping
// matches, scanning on after each match. `emit` writes the replacement of (a, b).
template <typename Match, typename Emit>
std::u32string substitute_pairs(const std::u32string& s, Match match, Emit emit) {
  std::u32string out;
  out.reserve(s.size() + s.size() / 2);
  size_t i = 0;
  while (i < s.size()) {
    if (i + 1 < s.size() && match(s[i], s[i + 1])) {
      emit(out, s[i], s[i + 1]);
      i += 2;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

}  // namespace

bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

std::vector<std::string> split_python_whitespace(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t c = util::next_code_point(text, i);
    if (is_python_space(c)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current.append(text.substr(start, i - start));
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::string tokenize_13a(std::string_view line) {
  HAT_CHECK(util::find_invalid_utf8(line) == std::string_view::npos,
            "tokenize_13a: the line is not valid UTF-8");
  // Language-independent part (plain string replacements, in sacreBLEU's order).
  std::string s(line);
  replace_all(s, "<skipped>", "");
  replace_all(s, "-\n", "");
  replace_all(s, "\n", " ");
  replace_all(s, "&quot;", "\"");
  replace_all(s, "&amp;", "&");
  replace_all(s, "&lt;", "<");
  replace_all(s, "&gt;", ">");
  std::u32string u = decode(" " + s + " ");

  // Language-dependent part: the four regexes, each a full pass over the previous result.
  std::u32string punct;
  punct.reserve(u.size() * 2);
  for (char32_t c : u) {
    if (is_13a_punct(c)) {
      punct.push_back(U' ');
      punct.push_back(c);
      punct.push_back(U' ');
    } else {
      punct.push_back(c);
    }
  }
  u = substitute_pairs(
      punct, [](char32_t a, char32_t b) { return !is_digit(a) && is_period_or_comma(b); },
      [](std::u32string& o, char32_t a, char32_t b) { o += a; o += U' '; o += b; o += U' '; });
  u = substitute_pairs(
      u, [](char32_t a, char32_t b) { return is_period_or_comma(a) && !is_digit(b); },
      [](std::u32string& o, char32_t a, char32_t b) { o += U' '; o += a; o += U' '; o += b; });
  u = substitute_pairs(
      u, [](char32_t a, char32_t b) { return is_digit(a) && b == U'-'; },
      [](std::u32string& o, char32_t a, char32_t b) { o += a; o += U' '; o += b; o += U' '; });

  // ' '.join(line.strip().split())
  std::string out;
  bool pending_space = false;
  for (char32_t c : u) {
    if (is_python_space(c)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      util::append_utf8(out, c);
    }
  }
  return out;
}

}  // namespace hat::eval
