// SentencePiece vocabulary: in-process training and encoding.
#include "supernet/data/vocabulary.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <unordered_map>

#include "devices/error.h"
#include "devices/threads.h"
#include "supernet/data/special_tokens.h"
#include "util/text_lines.h"

namespace hat::data {

namespace {

class Sentences : public sentencepiece::SentenceIterator {
 public:
  explicit Sentences(const std::vector<const std::vector<std::string>*>& lists) : lists_(lists) { skip_empty(); }
  bool done() const override { return list_ >= lists_.size(); }
  void Next() override {
    ++index_;
    skip_empty();
  }
  const std::string& value() const override { return (*lists_[list_])[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_empty() {
    while (list_ < lists_.size() && index_ >= lists_[list_]->size()) ++list_, index_ = 0;
  }
  const std::vector<const std::vector<std::string>*>& lists_;
  size_t list_ = 0, index_ = 0;
};

}  // namespace

std::string train_sentencepiece(const std::vector<const std::vector<std::string>*>& sentences,
                                const VocabularyOptions& options) {
  HAT_CHECK(options.size > kFirstPieceId, "vocabulary: size ", options.size, " is too small (at least ",
            kFirstPieceId + 1, ")");
  HAT_CHECK(options.model_type == "bpe" || options.model_type == "unigram", "vocabulary: model type '",
            options.model_type, "' is not 'bpe' or 'unigram'");
  HAT_CHECK(options.character_coverage > 0 && options.character_coverage <= 1,
            "vocabulary: character coverage ", options.character_coverage, " is not in (0, 1]");
  size_t count = 0;
  for (const auto* list : sentences) count += list->size();
  HAT_CHECK(count > 0, "vocabulary: no sentences to train on");
  const int threads = options.threads > 0 ? options.threads : num_threads();
  const std::unordered_map<std::string, std::string> args = {
      {"model_type", options.model_type},
      {"vocab_size", std::to_string(options.size)},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"bos_id", std::to_string(kBosId)},
      {"pad_id", std::to_string(kPadId)},
      {"eos_id", std::to_string(kEosId)},
      {"unk_id", std::to_string(kUnkId)},
      {"input_sentence_size", "0"},  // every sentence, no random sampling
      {"shuffle_input_sentence", "false"},
      {"num_threads", std::to_string(threads)},
      {"minloglevel", "2"},  // library code never prints
  };
  sentencepiece::SetRandomGeneratorSeed(options.seed);
  Sentences iterator(sentences);
  std::string model;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &model);
  HAT_CHECK(status.ok(), "vocabulary: SentencePiece could not train a ", options.model_type, " model of ",
            options.size, " pieces on ", count, " sentences: ", status.ToString(),
            " (the training text is probably too small for this vocabulary size; lower it)");
  return model;
}

Vocabulary::Vocabulary(std::shared_ptr<const sentencepiece::SentencePieceProcessor> processor, std::string name)
    : sp_(std::move(processor)), name_(std::move(name)) {}

Vocabulary Vocabulary::from_serialized(std::string_view model, const std::string& name) {
  auto sp = std::make_shared<sentencepiece::SentencePieceProcessor>();
  const auto status = sp->LoadFromSerializedProto(model);
  HAT_CHECK(status.ok(), name, ": not a SentencePiece model: ", status.ToString());
  HAT_CHECK(sp->bos_id() == kBosId && sp->pad_id() == kPadId && sp->eos_id() == kEosId && sp->unk_id() == kUnkId,
            name, ": special ids bos ", sp->bos_id(), ", pad ", sp->pad_id(), ", eos ", sp->eos_id(), ", unk ",
            sp->unk_id(), " differ from the fixed ids bos ", kBosId, ", pad ", kPadId, ", eos ", kEosId,
            ", unk ", kUnkId);
  return Vocabulary(std::move(sp), name);
}

Vocabulary Vocabulary::load(const std::filesystem::path& model_file) {
  return from_serialized(util::read_file(model_file), model_file.string());
}

int Vocabulary::size() const { return sp_->GetPieceSize(); }

std::string Vocabulary::piece(int32_t id) const {
  HAT_CHECK(id >= 0 && id < size(), name_, ": id ", id, " is outside the vocabulary [0, ", size(), ")");
  return sp_->IdToPiece(id);
}

std::vector<int32_t> Vocabulary::encode(std::string_view text) const {
  std::vector<int> ids;
  const auto status = sp_->Encode(text, &ids);
  HAT_CHECK(status.ok(), name_, ": cannot encode '", text, "': ", status.ToString());
  return {ids.begin(), ids.end()};
}

std::vector<std::string> Vocabulary::encode_pieces(std::string_view text) const {
  std::vector<std::string> pieces;
  const auto status = sp_->Encode(text, &pieces);
  HAT_CHECK(status.ok(), name_, ": cannot encode '", text, "': ", status.ToString());
  return pieces;
}

std::string Vocabulary::decode(const std::vector<int32_t>& ids) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int32_t id : ids) {
    HAT_CHECK(id >= 0 && id < size(), name_, ": id ", id, " is outside the vocabulary [0, ", size(), ")");
    if (id != kBosId && id != kPadId && id != kEosId) kept.push_back(id);
  }
  std::string text;
  const auto status = sp_->Decode(kept, &text);
  HAT_CHECK(status.ok(), name_, ": cannot decode: ", status.ToString());
  return text;
}

std::string Vocabulary::serialized() const { return sp_->serialized_model_proto(); }

}  // namespace hat::data
