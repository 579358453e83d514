// Extraction of German-English sentence (and optionally phrase) pairs from the Ding dictionary
// (Debian's trans-de-en, /usr/share/trans/de-en): "German | ... :: English | ..." lines whose
// ' | '-separated sub-entries are aligned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <string>

#include "supernet/data/parallel_text.h"

namespace hat::data {

inline constexpr const char* kDingPath = "/usr/share/trans/de-en";

struct DingOptions {
  size_t min_words = 3;     // per side, sentences
  size_t max_words = 50;    // per side, sentences and phrases
  double max_ratio = 2.0;   // longer side / shorter side, in words
  bool phrases = false;     // also collect multi-word phrase pairs
  size_t phrase_min_words = 2;
};

struct DingExtraction {
  ParallelText sentences;  // German -> English, corpus order, de-duplicated
  ParallelText phrases;    // empty unless DingOptions::phrases
  std::string version;     // the file's "# Version :: ..." header, when present
  // lines, entries, sentence_pairs, phrase_pairs, misaligned_lines, malformed_lines,
  // duplicates, and dropped_REASON for each reason a sub-entry was not used.
  std::map<std::string, size_t> counts;
};

// Extracts pairs from a Ding-format stream; `name` names it in errors ("FILE:LINE: ..."),
// which are thrown for invalid UTF-8. Lines that are not "A :: B" are counted, not fatal.
DingExtraction extract_ding(std::istream& in, const std::string& name, const DingOptions& options);

DingExtraction extract_ding_file(const std::filesystem::path& path, const DingOptions& options);

}  // namespace hat::data
