// Sentence pairs in the IWSLT/WMT layout.
#include "supernet/data/parallel_text.h"

#include "devices/error.h"
#include "supernet/data/normalize.h"
#include "util/text_lines.h"

namespace hat::data {

void ParallelText::append(const ParallelText& other) {
  source.insert(source.end(), other.source.begin(), other.source.end());
  target.insert(target.end(), other.target.begin(), other.target.end());
}

std::filesystem::path split_file(const std::filesystem::path& dir, const std::string& split,
                                 const std::string& lang) {
  return dir / (split + "." + lang);
}

namespace {

std::vector<std::string> read_normalized(const std::filesystem::path& path) {
  std::vector<std::string> lines = util::read_lines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    lines[i] = normalize_text(lines[i]);
    HAT_CHECK(!lines[i].empty(), path.string(), ":", i + 1,
              ": the line holds only control or invisible characters");
  }
  return lines;
}

}  // namespace

ParallelText read_parallel(const std::filesystem::path& dir, const std::string& split, const std::string& src_lang,
                           const std::string& tgt_lang) {
  const auto src_path = split_file(dir, split, src_lang), tgt_path = split_file(dir, split, tgt_lang);
  ParallelText text;
  text.source = read_normalized(src_path);
  text.target = read_normalized(tgt_path);
  HAT_CHECK(text.source.size() == text.target.size(), src_path.string(), " has ", text.source.size(),
            " lines but ", tgt_path.string(), " has ", text.target.size(),
            ": the two sides must be aligned line by line (first unpaired line: ",
            std::min(text.source.size(), text.target.size()) + 1, ")");
  return text;
}

void write_parallel(const ParallelText& text, const std::filesystem::path& dir, const std::string& split,
                    const std::string& src_lang, const std::string& tgt_lang) {
  util::write_lines(split_file(dir, split, src_lang), text.source);
  util::write_lines(split_file(dir, split, tgt_lang), text.target);
}

void check_languages(const std::string& src_lang, const std::string& tgt_lang) {
  for (const std::string* lang : {&src_lang, &tgt_lang}) {
    bool ok = !lang->empty() && lang->size() <= 16;
    for (char c : *lang)
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
    HAT_CHECK(ok, "language name '", *lang, "' is not valid: use 1-16 letters, digits, '-' or '_' (e.g. de, en)");
  }
  HAT_CHECK(src_lang != tgt_lang, "source and target language are both '", src_lang, "': they must differ");
}

}  // namespace hat::data
