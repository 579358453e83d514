// hatdata extract-default's output: the corpus as IWSLT-layout text that reads back unchanged,
// its description, atomic replacement, and the refusals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "devices/error.h"
#include "supernet/data/corpus_text_directory.h"

namespace hat::data {
namespace {

namespace fs = std::filesystem;

class CorpusTextDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("hat_corpus_text_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    corpus_.source_lang = "de";
    corpus_.target_lang = "en";
    corpus_.train.add("ein Haus .", "a house .");
    corpus_.train.add("zwei Häuser .", "two houses .");
    corpus_.valid.add("ja", "yes");
    corpus_.test.add("nein", "no");
    corpus_.description = {{"kind", "test"}, {"pairs", 4}};
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string read(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path root_;
  Corpus corpus_;
};

TEST_F(CorpusTextDirectory, WritesEverySplitInTheLayoutPrepareReads) {
  std::vector<std::pair<std::string, size_t>> reported;
  const fs::path out = root_ / "text";
  EXPECT_EQ(write_corpus_text(corpus_, out, false,
                              [&](const std::string& split, size_t pairs) { reported.emplace_back(split, pairs); }),
            out);
  EXPECT_EQ(reported, (std::vector<std::pair<std::string, size_t>>{{"train", 2}, {"valid", 1}, {"test", 1}}));
  const ParallelText train = read_parallel(out, "train", "de", "en");
  EXPECT_EQ(train.source, corpus_.train.source);
  EXPECT_EQ(train.target, corpus_.train.target);
  EXPECT_EQ(read(out / "test.en"), "no\n");
  EXPECT_EQ(nlohmann::json::parse(read(out / kCorpusDescriptionFile)), corpus_.description);
  for (const auto& e : fs::directory_iterator(root_))
    EXPECT_EQ(e.path().filename(), "text") << "left behind: " << e.path();
}

TEST_F(CorpusTextDirectory, ReplacesItsOwnKindOnlyWithForce) {
  const fs::path out = root_ / "text";
  write_corpus_text(corpus_, out, false);
  corpus_.test.target[0] = "nope";
  EXPECT_THROW(write_corpus_text(corpus_, out, false), Error);
  EXPECT_EQ(read(out / "test.en"), "no\n");
  write_corpus_text(corpus_, out, true);
  EXPECT_EQ(read(out / "test.en"), "nope\n");
  // A directory without corpus.json is someone else's: never replaced.
  fs::create_directories(root_ / "other");
  std::ofstream(root_ / "other" / "notes.txt") << "mine";
  EXPECT_THROW(write_corpus_text(corpus_, root_ / "other", true), Error);
  EXPECT_EQ(read(root_ / "other" / "notes.txt"), "mine");
}

}  // namespace
}  // namespace hat::data
