// The default corpus from Debian's trans-de-en, when installed (scripts/setup.sh installs it).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "supernet/data/default_corpus.h"

namespace hat::data {
namespace {

TEST(DefaultCorpus, ExtractsAboutNineteenThousandDisjointSentencePairs) {
  if (!std::filesystem::exists(kDingPath)) GTEST_SKIP() << kDingPath << " missing: apt-get install trans-de-en";
  const Corpus corpus = build_default_corpus({});
  EXPECT_EQ(corpus.source_lang, "de");
  EXPECT_EQ(corpus.target_lang, "en");
  EXPECT_GE(corpus.valid.size(), 1000u);
  EXPECT_GE(corpus.test.size(), 1000u);
  const size_t total = corpus.train.size() + corpus.valid.size() + corpus.test.size();
  EXPECT_GT(total, 17000u);
  EXPECT_LT(total, 21000u);
  const std::set<std::string> src(corpus.train.source.begin(), corpus.train.source.end());
  const std::set<std::string> tgt(corpus.train.target.begin(), corpus.train.target.end());
  for (const ParallelText* held : {&corpus.valid, &corpus.test})
    for (size_t i = 0; i < held->size(); ++i) {
      EXPECT_EQ(src.count(held->source[i]), 0u) << held->source[i];
      EXPECT_EQ(tgt.count(held->target[i]), 0u) << held->target[i];
    }
  EXPECT_EQ(corpus.description.at("kind"), "ding");
  EXPECT_EQ(corpus.description.at("sha256").get<std::string>().size(), 64u);
}

}  // namespace
}  // namespace hat::data
