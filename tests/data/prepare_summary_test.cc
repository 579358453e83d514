// The table hatdata prints after preparing a data directory.
#include <gtest/gtest.h>

#include "supernet/data/prepare_summary.h"

namespace hat::data {
namespace {

TEST(PrepareSummary, OneAlignedLinePerSplitThenVocabularyDirectoryAndTime) {
  DataMetadata m;
  m.source_lang = "de";
  m.target_lang = "en";
  m.vocab_size = 8000;
  m.vocab_model_type = "bpe";
  m.splits["train"] = {123456, 1234567, 1200000};
  m.splits["valid"] = {1000, 9000, 8800};
  m.splits["test"] = {1001, 9100, 8900};
  EXPECT_EQ(format_prepare_summary(m, "data/default", 12.34),
            "train   123456 pairs    1234567 de tokens    1200000 en tokens\n"
            "valid     1000 pairs       9000 de tokens       8800 en tokens\n"
            "test      1001 pairs       9100 de tokens       8900 en tokens\n"
            "vocabulary 8000 pieces (bpe)\n"
            "data directory data/default\n"
            "time 12.3 s\n");
}

TEST(PrepareSummary, AMissingSplitIsAnError) {
  DataMetadata m;
  m.splits["train"] = {1, 2, 3};
  EXPECT_THROW(format_prepare_summary(m, "out", 0), std::out_of_range);
}

}  // namespace
}  // namespace hat::data
