// Preparing data directories from users' corpora: the directory describes itself and reads
// back; bad input gives errors naming file and line; output is atomic and never overwritten
// without force.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "devices/error.h"
#include "supernet/data/corpus.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/prepare.h"
#include "supernet/data/random.h"
#include "supernet/data/special_tokens.h"
#include "tests/support/synthetic_corpus.h"

namespace hat::data {
namespace {

namespace fs = std::filesystem;

class Prepare : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("hat_prepare_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "corpus");
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes SPLIT.de / SPLIT.en with n random pairs (optionally raw lines instead).
  void write_split(const std::string& split, size_t n, uint64_t seed) {
    test::write_synthetic_split(root_ / "corpus", split, n, seed);
  }
  void write_raw(const std::string& name, const std::string& bytes) {
    std::ofstream(root_ / "corpus" / name, std::ios::binary) << bytes;
  }
  UserCorpusOptions user() const { return {root_ / "corpus", "de", "en", {.valid = 20, .test = 20, .seed = 1}}; }
  PrepareOptions options(const std::string& out = "data") const {
    PrepareOptions p;
    p.out = root_ / out;
    p.vocabulary.size = 100;
    return p;
  }
  std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  // Entries of root_ other than the corpus: prepared directories and leftovers.
  std::vector<std::string> outputs() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root_))
      if (e.path().filename() != "corpus") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path root_;
};

TEST_F(Prepare, WritesADirectoryThatDescribesItselfAndReadsBack) {
  write_split("train", 300, 1);
  write_split("valid", 30, 2);
  write_split("test", 40, 3);
  const Corpus corpus = read_user_corpus(user());
  std::vector<std::string> progress;
  const DataMetadata written = prepare_data_directory(corpus, options(), [&](const std::string& l) {
    progress.push_back(l);
  });
  EXPECT_GE(progress.size(), 4u);
  EXPECT_EQ(outputs(), std::vector<std::string>{"data"});  // no temporary directory left

  const DataDirectory dir(root_ / "data");
  EXPECT_EQ(dir.source_lang(), "de");
  EXPECT_EQ(dir.target_lang(), "en");
  EXPECT_EQ(dir.vocab_size(), 100);
  EXPECT_EQ(dir.metadata().splits.at("train").pairs, 300u);
  EXPECT_EQ(dir.metadata().splits.at("valid").pairs, 30u);
  EXPECT_EQ(dir.metadata().splits.at("test").pairs, 40u);
  EXPECT_EQ(dir.metadata().corpus.at("kind"), "user");
  EXPECT_EQ(dir.metadata().corpus.at("split").at("kind"), "given");
  EXPECT_EQ(dir.metadata().files.size(), 20u);  // 6 text, 12 token, 2 vocabulary files
  dir.verify_checksums();

  // Every sentence decodes back to its normalised text and ends with eos.
  const Vocabulary vocabulary = dir.vocabulary();
  for (const auto& [split, original] :
       {std::pair{"train", &corpus.train}, {"valid", &corpus.valid}, {"test", &corpus.test}}) {
    const TokenSplit tokens = dir.load_split(split);
    const ParallelText text = dir.load_text(split);
    EXPECT_EQ(text.source, original->source);
    EXPECT_EQ(text.target, original->target);
    EXPECT_EQ(text.source[0].back(), '.');  // the trailing spaces were normalised away
    ASSERT_EQ(tokens.size(), text.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
      const auto src = tokens.source.sentence(i), tgt = tokens.target.sentence(i);
      EXPECT_EQ(src.back(), kEosId);
      EXPECT_EQ(vocabulary.decode({src.begin(), src.end()}), text.source[i]);
      EXPECT_EQ(vocabulary.decode({tgt.begin(), tgt.end()}), text.target[i]);
    }
  }
}

TEST_F(Prepare, SplitsValidAndTestFromTrainWhenTheyAreAbsent) {
  write_split("train", 300, 4);
  const Corpus corpus = read_user_corpus(user());
  EXPECT_GE(corpus.valid.size(), 20u);
  EXPECT_GE(corpus.test.size(), 20u);
  EXPECT_EQ(corpus.train.size() + corpus.valid.size() + corpus.test.size(), 300u);
  EXPECT_EQ(corpus.description.at("split").at("kind"), "split from train");
  EXPECT_EQ(corpus.description.at("split").at("train_pairs_sharing_a_sentence_with_valid_or_test"), 0);
}

TEST_F(Prepare, BadCorporaGiveErrorsNamingFileAndLine) {
  const std::string c = (root_ / "corpus").string();
  EXPECT_EQ(error_of([&] { read_user_corpus(user()); }), c + "/train.de: no such file");
  write_split("train", 50, 5);
  write_raw("train.en", "one.\ntwo.\n");
  EXPECT_EQ(error_of([&] { read_user_corpus(user()); }),
            c + "/train.de has 50 lines but " + c +
                "/train.en has 2: the two sides must be aligned line by line (first unpaired line: 3)");
  write_raw("train.en", "one.\n\nthree.\n");
  EXPECT_NE(error_of([&] { read_user_corpus(user()); }).find(c + "/train.en:2: empty line"), std::string::npos);
  write_raw("train.en", "one.\ntw\xc3o.\n");
  EXPECT_EQ(error_of([&] { read_user_corpus(user()); }), c + "/train.en:2: invalid UTF-8 at byte 3 of the line");
  write_split("train", 50, 5);
  write_split("valid", 10, 6);
  EXPECT_NE(error_of([&] { read_user_corpus(user()); }).find("has valid files but no test files"), std::string::npos);
  fs::remove(root_ / "corpus" / "valid.de");
  fs::remove(root_ / "corpus" / "valid.en");
  EXPECT_NE(error_of([&] { read_user_corpus(user()); })
                .find("50 pairs are too few for 20 valid + 20 test pairs"),
            std::string::npos);
  UserCorpusOptions same = user();
  same.target_lang = "de";
  EXPECT_NE(error_of([&] { read_user_corpus(same); }).find("must differ"), std::string::npos);
  UserCorpusOptions nowhere = user();
  nowhere.dir = root_ / "nowhere";
  EXPECT_NE(error_of([&] { read_user_corpus(nowhere); }).find("no such corpus directory"), std::string::npos);
}

TEST_F(Prepare, AnExistingOutputIsRefusedWithoutForce) {
  write_split("train", 300, 7);
  const Corpus corpus = read_user_corpus(user());
  prepare_data_directory(corpus, options());
  const std::string first = DataDirectory(root_ / "data").metadata().files.at("train.de.bin").sha256;
  EXPECT_EQ(error_of([&] { prepare_data_directory(corpus, options()); }),
            (root_ / "data").string() + ": already exists; pass --force to replace it");
  PrepareOptions forced = options();
  forced.force = true;
  forced.vocabulary.size = 90;
  prepare_data_directory(corpus, forced);
  EXPECT_EQ(DataDirectory(root_ / "data").vocab_size(), 90);
  EXPECT_NE(DataDirectory(root_ / "data").metadata().files.at("train.de.bin").sha256, first);
  EXPECT_EQ(outputs(), std::vector<std::string>{"data"});
  // Even --force never replaces a directory that hatdata did not write.
  fs::create_directories(root_ / "mine");
  std::ofstream(root_ / "mine" / "notes.txt") << "precious\n";
  PrepareOptions elsewhere = options("mine");
  elsewhere.force = true;
  EXPECT_NE(error_of([&] { prepare_data_directory(corpus, elsewhere); }).find("refusing to replace it"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(root_ / "mine" / "notes.txt"));
}

TEST_F(Prepare, AFailedRunLeavesNothingBehind) {
  write_split("train", 60, 8);
  const Corpus corpus = read_user_corpus({root_ / "corpus", "de", "en", {.valid = 5, .test = 5, .seed = 1}});
  PrepareOptions too_big = options();
  too_big.vocabulary.size = 5000;  // fails after the text files were written
  EXPECT_NE(error_of([&] { prepare_data_directory(corpus, too_big); }).find("SentencePiece could not train"),
            std::string::npos);
  EXPECT_TRUE(outputs().empty());
}

TEST_F(Prepare, DamagedDirectoriesAreDetected) {
  write_split("train", 300, 9);
  prepare_data_directory(read_user_corpus(user()), options());
  const fs::path dir = root_ / "data";
  {  // Same size, different content: only the checksum can tell.
    std::fstream f(dir / "valid.en.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    const int32_t id = 5;
    f.write(reinterpret_cast<const char*>(&id), sizeof id);
  }
  EXPECT_NE(error_of([&] { DataDirectory(dir).verify_checksums(); }).find("valid.en.bin: SHA-256"),
            std::string::npos);
  fs::resize_file(dir / "test.de.bin", 8);
  EXPECT_NE(error_of([&] { DataDirectory{dir}; }).find("test.de.bin: 8 bytes, but"), std::string::npos);
  fs::remove(dir / "metadata.json");
  EXPECT_NE(error_of([&] { DataDirectory{dir}; }).find("metadata.json: no such file"), std::string::npos);
}

}  // namespace
}  // namespace hat::data
