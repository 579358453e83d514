// Extraction of sentence and phrase pairs from the Ding dictionary.
#include "supernet/data/ding.h"

#include <fstream>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "devices/error.h"
#include "supernet/data/ding_text.h"
#include "util/text_lines.h"

namespace hat::data {

namespace {

std::vector<std::string_view> split_on(std::string_view s, std::string_view separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t at = s.find(separator, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + separator.size();
  }
}

bool ratio_ok(size_t a, size_t b, double max_ratio) {
  return static_cast<double>(std::max(a, b)) <= max_ratio * static_cast<double>(std::min(a, b));
}

class Extractor {
 public:
  explicit Extractor(const DingOptions& options) : options_(options) {
    for (const char* count : {"lines", "entries", "misaligned_lines", "malformed_lines"}) result_.counts[count] = 0;
  }

  void line(std::string_view text) {
    ++result_.counts["lines"];
    const std::vector<std::string_view> halves = split_on(text, " :: ");
    if (halves.size() != 2) {
      ++result_.counts["malformed_lines"];
      return;
    }
    const auto german = split_on(halves[0], " | "), english = split_on(halves[1], " | ");
    if (german.size() != english.size()) {
      ++result_.counts["misaligned_lines"];
      return;
    }
    for (size_t k = 0; k < german.size(); ++k) entry(german[k], english[k]);
  }

  DingExtraction finish() && {
    result_.counts["sentence_pairs"] = result_.sentences.size();
    result_.counts["phrase_pairs"] = result_.phrases.size();
    return std::move(result_);
  }

  std::string& version() { return result_.version; }

 private:
  void drop(const std::string& reason) { ++result_.counts["dropped_" + reason]; }

  void entry(std::string_view raw_de, std::string_view raw_en) {
    ++result_.counts["entries"];
    const DingText de = clean_ding_text(raw_de), en = clean_ding_text(raw_en);
    if (de.drop != DingDrop::none || en.drop != DingDrop::none)
      return drop(ding_drop_name(de.drop != DingDrop::none ? de.drop : en.drop));
    const bool de_sentence = is_sentence(de.text), en_sentence = is_sentence(en.text);
    if (de_sentence != en_sentence) return drop("sentence_paired_with_phrase");
    const size_t de_words = count_words(de.text), en_words = count_words(en.text);
    if (de_sentence) {
      if (has_placeholder(de.text) || has_placeholder(en.text)) return drop("placeholder_in_sentence");
      if (std::min(de_words, en_words) < options_.min_words) return drop("too_short");
    } else {
      if (!options_.phrases) return;  // headwords and phrases are not wanted: not a drop
      if (std::min(de_words, en_words) < options_.phrase_min_words) return;  // single words
    }
    if (std::max(de_words, en_words) > options_.max_words) return drop("too_long");
    if (!ratio_ok(de_words, en_words, options_.max_ratio)) return drop("length_ratio");
    if (!seen_.insert(de.text + '\t' + en.text).second) return drop("duplicate");
    (de_sentence ? result_.sentences : result_.phrases).add(de.text, en.text);
  }

  DingOptions options_;
  DingExtraction result_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

DingExtraction extract_ding(std::istream& in, const std::string& name, const DingOptions& options) {
  HAT_CHECK(options.min_words >= 1 && options.max_words >= options.min_words && options.max_ratio >= 1.0,
            "extract_ding: invalid length filter: min_words ", options.min_words, ", max_words ",
            options.max_words, ", max_ratio ", options.max_ratio);
  Extractor extractor(options);
  std::string line;
  size_t number = 0;
  while (util::read_text_line(in, name, line, number)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("# Version :: ", 0) == 0) extractor.version() = line.substr(13);
      continue;
    }
    extractor.line(line);
  }
  HAT_CHECK(in.eof(), name, ": read error after line ", number);
  DingExtraction result = std::move(extractor).finish();
  HAT_CHECK(result.counts["lines"] > 0, name, ": no dictionary lines (expected 'German :: English' lines)");
  return result;
}

DingExtraction extract_ding_file(const std::filesystem::path& path, const DingOptions& options) {
  HAT_CHECK(std::filesystem::exists(path), path.string(),
            ": no such file; the default corpus comes from Debian's trans-de-en package "
            "(apt-get install trans-de-en, or run scripts/setup.sh)");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  return extract_ding(in, path.string(), options);
}

}  // namespace hat::data
