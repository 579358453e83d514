// SentencePiece vocabulary: fixed special ids, round trip, deterministic training, clear errors.
#include <gtest/gtest.h>

#include "devices/error.h"
#include "supernet/data/random.h"
#include "supernet/data/special_tokens.h"
#include "supernet/data/vocabulary.h"

namespace hat::data {
namespace {

// Sentences of random words (with umlauts and ß, so pieces span multi-byte characters).
std::vector<std::string> sentences(size_t n, uint64_t seed) {
  static const char* kWords[] = {"der", "Hund", "läuft", "schnell", "über", "die", "Straße", "und", "bellt", "laut",
                                 "the", "dog", "runs", "quickly", "across", "street", "barks", "loudly", "Größe",
                                 "müde", "Bäume", "wachsen", "trees", "grow", "tired", "size", "Öl", "oil"};
  Rng rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string s;
    const size_t words = 3 + rng.below(8);
    for (size_t w = 0; w < words; ++w) {
      if (w > 0) s += ' ';
      s += kWords[rng.below(std::size(kWords))];
    }
    out.push_back(s + ".");
  }
  return out;
}

TEST(Vocabulary, HasTheFixedSpecialIdsAndTheRequestedSize) {
  const auto text = sentences(500, 1);
  const Vocabulary v = Vocabulary::from_serialized(train_sentencepiece({&text}, {.size = 120}));
  EXPECT_EQ(v.size(), 120);
  EXPECT_EQ(v.piece(kBosId), "<s>");
  EXPECT_EQ(v.piece(kPadId), "<pad>");
  EXPECT_EQ(v.piece(kEosId), "</s>");
  EXPECT_EQ(v.piece(kUnkId), "<unk>");
}

TEST(Vocabulary, EncodeDecodeRoundTrips) {
  const auto a = sentences(400, 2), b = sentences(400, 3);
  for (const auto& [type, size] : {std::pair{"bpe", 150}, {"unigram", 60}}) {
    const Vocabulary v = Vocabulary::from_serialized(train_sentencepiece({&a, &b}, {.size = size, .model_type = type}));
    for (const auto& s : sentences(50, 4)) {  // unseen sentences of seen characters
      const std::vector<int32_t> ids = v.encode(s);
      ASSERT_FALSE(ids.empty());
      for (int32_t id : ids) {
        EXPECT_GE(id, kFirstPieceId) << s;
        EXPECT_LT(id, v.size());
      }
      EXPECT_EQ(v.decode(ids), s) << type;
      std::vector<int32_t> with_specials = ids;
      with_specials.push_back(kEosId);
      with_specials.insert(with_specials.begin(), kPadId);
      EXPECT_EQ(v.decode(with_specials), s);  // special ids are skipped
    }
  }
}

std::vector<std::string> pieces(const std::string& model) {
  const Vocabulary v = Vocabulary::from_serialized(model);
  std::vector<std::string> out;
  for (int id = 0; id < v.size(); ++id) out.push_back(v.piece(id));
  return out;
}

TEST(Vocabulary, TrainingIsDeterministic) {
  const auto text = sentences(600, 5);
  for (const char* type : {"bpe", "unigram"}) {
    const std::string first = train_sentencepiece({&text}, {.size = 60, .model_type = type, .seed = 3});
    // Byte for byte with the same options (compared as a whole: a model is binary).
    EXPECT_TRUE(train_sentencepiece({&text}, {.size = 60, .model_type = type, .seed = 3}) == first) << type;
    // Another thread count records another trainer spec but learns the same pieces.
    EXPECT_EQ(pieces(train_sentencepiece({&text}, {.size = 60, .model_type = type, .seed = 3, .threads = 1})),
              pieces(first))
        << type;
    EXPECT_TRUE(Vocabulary::from_serialized(first).serialized() == first);
  }
}

TEST(Vocabulary, ATextTooSmallForTheSizeIsAClearError) {
  const auto text = sentences(20, 6);
  try {
    train_sentencepiece({&text}, {.size = 8000});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vocabulary: SentencePiece could not train a bpe model of 8000 pieces on 20 "
                                         "sentences"),
              std::string::npos)
        << e.what();
  }
}

TEST(Vocabulary, BadOptionsAndModelsAreErrors) {
  const auto text = sentences(50, 7);
  EXPECT_THROW(train_sentencepiece({&text}, {.size = 3}), Error);
  EXPECT_THROW(train_sentencepiece({&text}, {.size = 100, .model_type = "word2vec"}), Error);
  EXPECT_THROW(train_sentencepiece({}, {.size = 100}), Error);
  EXPECT_THROW(Vocabulary::from_serialized("not a model"), Error);
  EXPECT_THROW(Vocabulary::load("/nonexistent/spm.model"), Error);
  const Vocabulary v = Vocabulary::from_serialized(train_sentencepiece({&text}, {.size = 60}));
  EXPECT_THROW(v.decode({60}), Error);
  EXPECT_THROW(v.piece(-1), Error);
}

}  // namespace
}  // namespace hat::data
