// Cleaning one side of a Ding sub-entry into plain text.
#include "supernet/data/ding_text.h"

#include <array>
#include <vector>
#include <unicode/uchar.h>

#include "supernet/data/normalize.h"
#include "util/utf8.h"

namespace hat::data {

namespace {

bool is_space(char c) { return c == ' '; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// A byte that starts or continues a word: ASCII letters and digits, and any non-ASCII byte.
bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

// Finds the partner of s[open] (nesting counted), or npos.
size_t matching(const std::string& s, size_t open, char opener, char closer) {
  int depth = 0;
  for (size_t j = open; j < s.size(); ++j) {
    if (s[j] == opener) ++depth;
    if (s[j] == closer && --depth == 0) return j;
  }
  return std::string::npos;
}

// Removes {..}, [..] and <..> blocks; false when an opener has no partner.
bool strip_annotations(std::string& s) {
  for (const auto& [opener, closer] : std::array<std::pair<char, char>, 3>{{{'{', '}'}, {'[', ']'}, {'<', '>'}}}) {
    for (size_t i = s.find(opener); i != std::string::npos; i = s.find(opener, i)) {
      const size_t j = matching(s, i, opener, closer);
      if (j == std::string::npos) return false;
      s.replace(i, j - i + 1, 1, ' ');
    }
  }
  return true;
}

// Removes abbreviation blocks such as " /AHU/" or " /u. dgl. m./": a '/' opening a word and
// the next '/' closing one.
void strip_abbreviations(std::string& s) {
  for (size_t i = s.find('/'); i != std::string::npos; i = s.find('/', i + 1)) {
    if ((i > 0 && !is_space(s[i - 1])) || i + 1 >= s.size() || is_space(s[i + 1])) continue;
    for (size_t j = s.find('/', i + 1); j != std::string::npos; j = s.find('/', j + 1)) {
      const bool closes_word = !is_space(s[j - 1]) && (j + 1 == s.size() || s[j + 1] == ' ' || s[j + 1] == ',');
      if (closes_word) {
        s.replace(i, j - i + 1, 1, ' ');
        break;
      }
    }
  }
}

// Keeps the text before the first ';' outside parentheses.
void keep_first_synonym(std::string& s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ';' && depth <= 0) {
      s.resize(i);
      return;
    }
  }
}

DingDrop remove_parentheses(std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ')') return DingDrop::unbalanced;
    if (s[i] != '(') continue;
    const size_t j = matching(s, i, '(', ')');
    if (j == std::string::npos) return DingDrop::unbalanced;
    const bool attached = (i > 0 && is_word_byte(s[i - 1])) || (j + 1 < s.size() && is_word_byte(s[j + 1]));
    if (attached) return DingDrop::attached_parenthesis;
    s.replace(i, j - i + 1, 1, ' ');
  }
  return DingDrop::none;
}

bool has_spaced_slash(const std::string& s) {
  for (size_t i = s.find('/'); i != std::string::npos; i = s.find('/', i + 1))
    if ((i > 0 && is_space(s[i - 1])) || (i + 1 < s.size() && is_space(s[i + 1]))) return true;
  return false;
}

bool is_trailing_punct(char c) { return c == '.' || c == ',' || c == '!' || c == '?' || c == ':' || c == '"' || c == '\''; }

// "sheer/pure" -> "sheer", "untrue/false." -> "untrue.", "sb./sth." -> "sb."; numbers ("24/7")
// and tokens with a one-letter part ("km/h", "m/s") stay as they are.
std::string resolve_alternatives(const std::string& token) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t slash = token.find('/', start);
    parts.push_back(token.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  for (size_t k = 0; k + 1 < parts.size(); ++k) {
    const std::string &a = parts[k], &b = parts[k + 1];
    if (!a.empty() && !b.empty() && is_digit(a.back()) && is_digit(b.front())) return token;
  }
  for (const std::string& part : parts) {
    size_t letters = 0;
    for (size_t i = 0; i < part.size();) {
      const size_t before = i;
      util::next_code_point(part, i);
      if (is_word_byte(part[before])) ++letters;
    }
    if (letters <= 1) return token;
  }
  std::string first = parts.front();
  while (!first.empty() && is_trailing_punct(first.back())) first.pop_back();
  const std::string& last = parts.back();
  size_t tail = last.size();
  while (tail > 0 && is_trailing_punct(last[tail - 1])) --tail;
  return first + last.substr(tail);
}

std::string resolve_all_alternatives(const std::string& s) {
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    const std::string token = s.substr(start, end - start);
    if (!out.empty()) out += ' ';
    out += token.find('/') == std::string::npos ? token : resolve_alternatives(token);
    start = end + 1;
  }
  return out;
}

std::string fold_quotes(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t begin = i;
    const char32_t c = util::next_code_point(s, i);
    if (c == U'\u2018' || c == U'\u2019' || c == U'\u201A' || c == U'\u201B' || c == U'\u2032') out += '\'';
    else if (c == U'\u201C' || c == U'\u201D' || c == U'\u201E' || c == U'\u201F' || c == U'\u00AB' ||
             c == U'\u00BB' || c == U'\u2033')
      out += '"';
    else out.append(s, begin, i - begin);
  }
  return out;
}

// Collapses spaces, trims, and removes a space before , . ! ? ; : that ends a word.
std::string tidy_spaces(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    const bool closing = c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':';
    const bool ends = i + 1 == s.size() || s[i + 1] == ' ' || s[i + 1] == '"' || s[i + 1] == '\'';
    if (closing && ends && !out.empty() && out.back() == ' ') out.pop_back();
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

const char* ding_drop_name(DingDrop drop) {
  switch (drop) {
    case DingDrop::none: return "none";
    case DingDrop::empty: return "empty";
    case DingDrop::unbalanced: return "unbalanced_brackets";
    case DingDrop::attached_parenthesis: return "parenthesis_inside_word";
    case DingDrop::spaced_slash: return "ambiguous_alternatives";
    case DingDrop::ellipsis: return "ellipsis_template";
  }
  return "?";
}

DingText clean_ding_text(std::string_view raw) {
  std::string s = normalize_text(raw);
  if (!strip_annotations(s)) return {"", DingDrop::unbalanced};
  strip_abbreviations(s);
  keep_first_synonym(s);
  if (const DingDrop drop = remove_parentheses(s); drop != DingDrop::none) return {"", drop};
  s = tidy_spaces(s);
  if (has_spaced_slash(s)) return {"", DingDrop::spaced_slash};
  s = tidy_spaces(fold_quotes(resolve_all_alternatives(s)));
  if (s.empty()) return {"", DingDrop::empty};
  if (s.find("...") != std::string::npos) return {"", DingDrop::ellipsis};
  return {s, DingDrop::none};
}

bool is_sentence(std::string_view text) {
  size_t i = 0;
  char32_t first = 0;
  while (i < text.size()) {
    first = util::next_code_point(text, i);
    if (first != '"' && first != '\'' && first != U'\u00BF' && first != U'\u00A1') break;
  }
  if (!u_isupper(first)) return false;
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == '"' || text[end - 1] == '\'')) --end;
  return end > 0 && (text[end - 1] == '.' || text[end - 1] == '!' || text[end - 1] == '?');
}

bool has_placeholder(std::string_view text) {
  static const std::array<std::string_view, 12> kPlaceholders = {
      "jd.", "jdm.", "jdn.", "jds.", "etw.", "sb.", "sth.", "sb's", "sth's", "smb.", "smth.", "o.s."};
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string word(text.substr(start, end - start));
    while (!word.empty() && std::string_view("\"'(,;:!?").find(word.front()) != std::string_view::npos)
      word.erase(0, 1);
    while (!word.empty() && std::string_view("\"'),;:!?").find(word.back()) != std::string_view::npos)
      word.pop_back();
    if (!word.empty() && word[0] >= 'A' && word[0] <= 'Z') word[0] = static_cast<char>(word[0] - 'A' + 'a');
    for (std::string_view p : kPlaceholders)
      if (word == p) return true;
    start = end + 1;
  }
  return false;
}

size_t count_words(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    if (c == ' ') in_word = false;
    else if (!in_word) in_word = true, ++words;
  }
  return words;
}

}  // namespace hat::data
