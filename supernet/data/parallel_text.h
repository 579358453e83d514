// Sentence pairs held as two aligned lists of normalised lines, and reading them from the
// IWSLT/WMT layout (SPLIT.LANG files, one sentence a line).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hat::data {

struct ParallelText {
  std::vector<std::string> source, target;

  size_t size() const { return source.size(); }
  void add(std::string src, std::string tgt) {
    source.push_back(std::move(src));
    target.push_back(std::move(tgt));
  }
  void append(const ParallelText& other);
};

// File of one side of a split in the IWSLT/WMT layout: DIR/SPLIT.LANG (e.g. corpus/train.de).
std::filesystem::path split_file(const std::filesystem::path& dir, const std::string& split,
                                 const std::string& lang);

// Reads DIR/SPLIT.SRC and DIR/SPLIT.TGT (strict: see read_lines), checks that both sides have
// the same number of lines, and normalises every line (normalize_text).
ParallelText read_parallel(const std::filesystem::path& dir, const std::string& split, const std::string& src_lang,
                           const std::string& tgt_lang);

// Writes DIR/SPLIT.SRC and DIR/SPLIT.TGT.
void write_parallel(const ParallelText& text, const std::filesystem::path& dir, const std::string& split,
                    const std::string& src_lang, const std::string& tgt_lang);

// Checks a language name (letters, digits, '-', '_'; 1-16 characters) and that the two differ.
void check_languages(const std::string& src_lang, const std::string& tgt_lang);

}  // namespace hat::data
