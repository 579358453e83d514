// A prepared data directory, opened from its path alone: metadata, vocabulary, the token ids
// and the normalised text of each split, and verification of the recorded checksums.
#pragma once

#include <filesystem>
#include <string>

#include "supernet/data/metadata.h"
#include "supernet/data/parallel_text.h"
#include "supernet/data/token_column.h"
#include "supernet/data/vocabulary.h"

namespace hat::data {

// Token ids of one split: source and target columns of equal size.
struct TokenSplit {
  std::string name;
  TokenColumn source, target;
  size_t size() const { return source.size(); }
};

class DataDirectory {
 public:
  // Reads metadata.json and checks that every file it lists exists with the recorded size.
  explicit DataDirectory(std::filesystem::path dir);

  const std::filesystem::path& path() const { return dir_; }
  const DataMetadata& metadata() const { return metadata_; }
  const std::string& source_lang() const { return metadata_.source_lang; }
  const std::string& target_lang() const { return metadata_.target_lang; }
  int vocab_size() const { return metadata_.vocab_size; }

  Vocabulary vocabulary() const;
  // Token ids of "train", "valid" or "test" (validated: ids in range, eos-terminated, counts
  // as recorded).
  TokenSplit load_split(const std::string& split) const;
  // The normalised text of a split (e.g. the references for BLEU).
  ParallelText load_text(const std::string& split) const;
  // Recomputes every file's SHA-256 and throws naming the first that differs from metadata.json.
  void verify_checksums() const;

 private:
  void check_split(const std::string& split) const;
  std::filesystem::path dir_;
  DataMetadata metadata_;
};

}  // namespace hat::data
