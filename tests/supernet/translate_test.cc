// Loading a SuperTransformer from a checkpoint and translating raw text with it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "devices/error.h"
#include "devices/threads.h"
#include "supernet/arch/search_space.h"
#include "supernet/arch/space_file.h"
#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/data/corpus.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/prepare.h"
#include "supernet/data/special_tokens.h"
#include "supernet/optim/adam.h"
#include "supernet/translate/model_loader.h"
#include "supernet/translate/translator.h"
#include "tests/support/synthetic_corpus.h"
#include "tests/support/tiny_space.h"

namespace hat {
namespace {

namespace fs = std::filesystem;

// ROOT/data (a synthetic corpus, 60-piece vocabulary) and ROOT/save/checkpoint_00000007 holding
// a randomly initialised SuperTransformer of test::kTinySpaceYaml, as hattrain would save it.
class TranslateFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("hat_translate_" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    fs::create_directories(*root_ / "corpus");
    test::write_synthetic_split(*root_ / "corpus", "train", 300, 1);
    test::write_synthetic_split(*root_ / "corpus", "valid", 10, 2);
    test::write_synthetic_split(*root_ / "corpus", "test", 10, 3);
    const data::Corpus corpus = data::read_user_corpus({*root_ / "corpus", "de", "en", {}});
    data::PrepareOptions prepare;
    prepare.out = *root_ / "data";
    prepare.vocabulary.size = 60;
    data::prepare_data_directory(corpus, prepare);
    const data::DataDirectory data(*root_ / "data");
    const arch::SpaceFile space = arch::parse_space_file(test::kTinySpaceYaml, "tiny", "test");
    arch::ModelDims dims = space.space.super_dims;
    dims.vocab_size = data.vocab_size();
    saved_ = new model::SuperTransformer(dims);
    saved_->init_parameters(11);
    const optim::Adam adam(saved_->parameters());
    const nlohmann::json trainer = {
        {"space", {{"name", "tiny"}, {"hash", space.hash}, {"text", space.text}}},
        {"arch", nullptr},
        {"vocab_sha256", data.metadata().files.at("spm.model").sha256}};
    CheckpointStore(*root_ / "save", 3).save(7, saved_->parameters(), adam, trainer, true);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete saved_;
    delete root_;
  }

  static decode::BeamSearchOptions options() {
    decode::BeamSearchOptions s;
    s.beam = 3;
    s.max_len_b = 12;
    return s;
  }

  static fs::path* root_;
  static model::SuperTransformer* saved_;
};

fs::path* TranslateFixture::root_ = nullptr;
model::SuperTransformer* TranslateFixture::saved_ = nullptr;

TEST_F(TranslateFixture, LoaderRestoresExactParametersFromASaveDirectory) {
  const data::DataDirectory data(*root_ / "data");
  const translate::LoadedModel loaded = translate::load_model(*root_ / "save", data);
  EXPECT_EQ(loaded.checkpoint.filename(), "checkpoint_00000007");
  EXPECT_EQ(loaded.update, 7);
  EXPECT_EQ(loaded.space.space.name, "tiny");
  EXPECT_FALSE(loaded.trained_arch.has_value());
  ASSERT_EQ(loaded.model->dims(), saved_->dims());
  const Tensor& a = loaded.model->parameters().values();
  const Tensor& b = saved_->parameters().values();
  ASSERT_EQ(a.numel(), b.numel());
  EXPECT_EQ(std::memcmp(a.data<float>(), b.data<float>(), sizeof(float) * a.numel()), 0);
  // The checkpoint directory itself loads too, and the arch names resolve.
  const translate::LoadedModel direct = translate::load_model(loaded.checkpoint, data);
  EXPECT_EQ(direct.checkpoint, loaded.checkpoint);
  EXPECT_EQ(translate::resolve_arch("largest", direct), arch::largest_arch(direct.space.space));
  EXPECT_EQ(translate::resolve_arch("smallest", direct), arch::smallest_arch(direct.space.space));
  EXPECT_THROW(translate::resolve_arch("trained", direct), Error);
}

TEST_F(TranslateFixture, LoaderRefusesAnotherVocabularyAndMissingOrDamagedCheckpoints) {
  const fs::path other = *root_ / "other_data";
  fs::remove_all(other);
  fs::copy(*root_ / "data", other);
  // Same files, but metadata.json records another spm.model checksum.
  std::ifstream in(other / "metadata.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const data::DataDirectory data(*root_ / "data");
  const std::string sha = data.metadata().files.at("spm.model").sha256;
  const size_t at = text.find(sha);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, sha.size(), std::string(sha.size(), '0'));
  std::ofstream(other / "metadata.json") << text;
  try {
    translate::load_model(*root_ / "save", data::DataDirectory(other));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another vocabulary"), std::string::npos) << e.what();
  }
  try {
    translate::load_model(*root_ / "missing", data);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  // A damaged copy of the checkpoint: one byte of the model file flipped.
  const fs::path damaged = *root_ / "damaged";
  fs::remove_all(damaged);
  fs::copy(*root_ / "save" / "checkpoint_00000007", damaged);
  {
    std::fstream f(damaged / "model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-3, std::ios::end);
    f.put('\x7f');
  }
  EXPECT_THROW(translate::load_model(damaged, data), Error);
  fs::remove_all(other);
  fs::remove_all(damaged);
}

TEST_F(TranslateFixture, TranslatorKeepsOrderEmptyLinesAndMatchesOneByOne) {
  const data::DataDirectory data(*root_ / "data");
  const data::Vocabulary vocab = data.vocabulary();
  const arch::ArchConfig arch =
      arch::smallest_arch(arch::parse_space_file(test::kTinySpaceYaml, "tiny", "test").space);
  const data::ParallelText text = data.load_text("test");
  std::vector<std::string> lines(text.source.begin(), text.source.begin() + 6);
  lines.insert(lines.begin() + 2, "");
  lines.push_back("");
  int warnings = 0;
  translate::Translator batched(*saved_, arch, vocab, options(), 4096,
                                [&](const std::string&) { ++warnings; });
  const std::vector<std::string> all = batched.translate(lines);
  ASSERT_EQ(all.size(), lines.size());
  EXPECT_EQ(all[2], "");
  EXPECT_EQ(all.back(), "");
  // A budget of one sentence per batch, and each line alone, give the same lines.
  translate::Translator single(*saved_, arch, vocab, options(), 1);
  EXPECT_EQ(single.translate(lines), all);
  bool some_non_empty = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(batched.translate({lines[i]}), std::vector<std::string>{all[i]}) << "line " << i;
    some_non_empty = some_non_empty || !all[i].empty();
  }
  EXPECT_TRUE(some_non_empty);
  // Reversed input gives reversed output.
  std::vector<std::string> reversed(lines.rbegin(), lines.rend());
  std::vector<std::string> expected(all.rbegin(), all.rend());
  EXPECT_EQ(batched.translate(reversed), expected);
  EXPECT_EQ(warnings, 0);
}

// Batches translated side by side (--inter-threads) give the lines one batch at a time gives,
// in input order, whatever the split of the cores; the caller's threads are left as they were.
TEST_F(TranslateFixture, InterThreadsGiveTheSameLinesAsOneBatchAtATime) {
  const data::DataDirectory data(*root_ / "data");
  const data::Vocabulary vocab = data.vocabulary();
  const arch::ArchConfig arch =
      arch::largest_arch(arch::parse_space_file(test::kTinySpaceYaml, "tiny", "test").space);
  const data::ParallelText text = data.load_text("test");
  std::vector<std::string> lines(text.source.begin(), text.source.begin() + 12);
  lines.insert(lines.begin() + 3, "");
  translate::Translator one(*saved_, arch, vocab, options(), 1);
  const std::vector<std::string> expected = one.translate(lines);
  const int64_t expected_tokens = one.generated_tokens();
  ASSERT_GT(expected_tokens, 0);
  const int caller_threads = num_threads();
  for (const translate::TranslateThreads threads :
       {translate::TranslateThreads{2, 1}, translate::TranslateThreads{3, 2},
        translate::TranslateThreads{1, 1}}) {
    for (const int64_t max_tokens : {int64_t{1}, int64_t{40}}) {
      translate::Translator side_by_side(*saved_, arch, vocab, options(), max_tokens);
      side_by_side.set_threads(threads);
      EXPECT_EQ(side_by_side.translate(lines), expected)
          << "inter " << threads.inter << ", intra " << threads.intra << ", max_tokens " << max_tokens;
      EXPECT_EQ(side_by_side.generated_tokens(), expected_tokens);
      EXPECT_GT(side_by_side.peak_cache_bytes(), 0);
      EXPECT_EQ(num_threads(), caller_threads);
    }
  }
  translate::Translator t(*saved_, arch, vocab, options(), 4096);
  EXPECT_THROW(t.set_threads({0, 1}), Error);
  EXPECT_THROW(t.set_threads({2, -1}), Error);
}

TEST_F(TranslateFixture, OverLongLinesAreCutWithOneWarning) {
  const data::DataDirectory data(*root_ / "data");
  const data::Vocabulary vocab = data.vocabulary();
  arch::ModelDims dims = saved_->dims();
  dims.max_positions = 8;  // 7 source tokens
  model::SuperTransformer small(dims);
  small.init_parameters(5);
  const arch::ArchConfig arch =
      arch::largest_arch(arch::parse_space_file(test::kTinySpaceYaml, "tiny", "test").space);
  std::vector<std::string> warnings;
  translate::Translator t(small, arch, vocab, options(), 4096,
                          [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_EQ(t.max_source_tokens(), 7);
  const data::ParallelText text = data.load_text("test");
  std::vector<std::string> lines;
  for (size_t i = 0; i < 4; ++i) lines.push_back(text.source[i] + " " + text.source[i]);
  for (const std::string& l : lines) ASSERT_GT(vocab.encode(l).size(), 7u);
  const std::vector<std::string> out = t.translate(lines);
  EXPECT_EQ(out.size(), lines.size());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("4 line(s)"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("line 1"), std::string::npos) << warnings[0];
  // The cut line translates as its first 7 tokens do.
  std::vector<int32_t> first = vocab.encode(lines[0]);
  first.resize(7);
  EXPECT_EQ(out[0], vocab.decode(t.translate_ids({first})[0]));
}

TEST_F(TranslateFixture, InvalidUtf8IsAnErrorNamingTheLine) {
  const data::DataDirectory data(*root_ / "data");
  const data::Vocabulary vocab = data.vocabulary();
  const arch::ArchConfig arch =
      arch::smallest_arch(arch::parse_space_file(test::kTinySpaceYaml, "tiny", "test").space);
  translate::Translator t(*saved_, arch, vocab, options(), 4096);
  try {
    t.translate({"ein Haus .", "", "gut \xC3\x28 ."});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3 "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
  }
  EXPECT_THROW(translate::Translator(*saved_, arch, vocab, options(), 0), Error);
}

}  // namespace
}  // namespace hat
