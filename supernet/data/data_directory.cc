// Opening a prepared data directory.
#include "supernet/data/data_directory.h"

#include "devices/error.h"
#include "util/sha256.h"
#include "util/text_lines.h"

namespace hat::data {

namespace fs = std::filesystem;

DataDirectory::DataDirectory(fs::path dir) : dir_(std::move(dir)) {
  HAT_CHECK(fs::is_directory(dir_), dir_.string(), ": no such data directory (prepare one with hatdata)");
  metadata_ = read_metadata(dir_ / kMetadataFile);
  const std::string name = (dir_ / kMetadataFile).string();
  HAT_CHECK(metadata_.files.count(kVocabularyFile) > 0, name, ": lists no ", kVocabularyFile);
  for (const auto& [file, info] : metadata_.files) {
    const fs::path path = dir_ / file;
    HAT_CHECK(fs::exists(path), path.string(), ": missing (listed in ", name, ")");
    const auto bytes = fs::file_size(path);
    HAT_CHECK(bytes == info.bytes, path.string(), ": ", bytes, " bytes, but ", name, " records ", info.bytes,
              " (truncated or modified)");
  }
}

Vocabulary DataDirectory::vocabulary() const {
  Vocabulary vocabulary = Vocabulary::load(dir_ / kVocabularyFile);
  HAT_CHECK(vocabulary.size() == metadata_.vocab_size, (dir_ / kVocabularyFile).string(), ": ", vocabulary.size(),
            " pieces, but metadata.json records ", metadata_.vocab_size);
  return vocabulary;
}

void DataDirectory::check_split(const std::string& split) const {
  HAT_CHECK(metadata_.splits.count(split) > 0, dir_.string(), ": no split '", split,
            "' (the splits are train, valid and test)");
}

TokenSplit DataDirectory::load_split(const std::string& split) const {
  check_split(split);
  const SplitInfo& info = metadata_.splits.at(split);
  TokenSplit result;
  result.name = split;
  const auto load = [&](const std::string& lang, uint64_t tokens) {
    const fs::path stem = dir_ / (split + "." + lang);
    TokenColumn column = read_token_column(fs::path(stem.string() + ".bin"), fs::path(stem.string() + ".idx"),
                                           metadata_.vocab_size);
    HAT_CHECK(column.size() == info.pairs && column.tokens.size() == tokens, stem.string(), ".bin: ", column.size(),
              " sentences and ", column.tokens.size(), " tokens, but metadata.json records ", info.pairs, " and ",
              tokens);
    return column;
  };
  result.source = load(metadata_.source_lang, info.source_tokens);
  result.target = load(metadata_.target_lang, info.target_tokens);
  return result;
}

ParallelText DataDirectory::load_text(const std::string& split) const {
  check_split(split);
  ParallelText text;
  text.source = util::read_lines(split_file(dir_, split, metadata_.source_lang));
  text.target = util::read_lines(split_file(dir_, split, metadata_.target_lang));
  HAT_CHECK(text.source.size() == metadata_.splits.at(split).pairs && text.target.size() == text.source.size(),
            dir_.string(), ": the text of '", split, "' has ", text.source.size(), " and ", text.target.size(),
            " lines, but metadata.json records ", metadata_.splits.at(split).pairs, " pairs");
  return text;
}

void DataDirectory::verify_checksums() const {
  for (const auto& [file, info] : metadata_.files) {
    const fs::path path = dir_ / file;
    const std::string actual = util::sha256_file(path);
    HAT_CHECK(actual == info.sha256, path.string(), ": SHA-256 ", actual, " differs from ", info.sha256,
              " recorded in metadata.json (the file was modified or corrupted)");
  }
}

}  // namespace hat::data
