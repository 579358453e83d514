// The joint source+target SentencePiece vocabulary: training in-process (deterministic) and
// encoding/decoding with the fixed special ids of special_tokens.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace hat::data {

struct VocabularyOptions {
  int size = 8000;
  std::string model_type = "bpe";    // "bpe" (as HAT) or "unigram"
  double character_coverage = 1.0;   // fraction of characters that get their own piece
  uint32_t seed = 1;
  int threads = 0;                   // 0 = hat::num_threads()
};

// Trains a SentencePiece model on all the given sentences (e.g. train source and train target)
// and returns the serialized model. The result depends only on the sentences and the options.
// Throws hat::Error when the sentences cannot support the requested vocabulary size.
std::string train_sentencepiece(const std::vector<const std::vector<std::string>*>& sentences,
                                const VocabularyOptions& options);

// Text to encode should be normalised first (normalize_text), as every sentence of a data
// directory was.
class Vocabulary {
 public:
  static Vocabulary load(const std::filesystem::path& model_file);
  static Vocabulary from_serialized(std::string_view model, const std::string& name = "SentencePiece model");

  int size() const;
  std::string piece(int32_t id) const;
  std::vector<int32_t> encode(std::string_view text) const;         // pieces only, no eos
  std::string decode(const std::vector<int32_t>& ids) const;        // special ids are skipped
  std::vector<std::string> encode_pieces(std::string_view text) const;
  std::string serialized() const;

 private:
  Vocabulary(std::shared_ptr<const sentencepiece::SentencePieceProcessor> processor, std::string name);
  std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp_;
  std::string name_;
};

}  // namespace hat::data
