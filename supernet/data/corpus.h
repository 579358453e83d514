// A parallel corpus ready to prepare: languages, train/valid/test pairs and a description of
// where it came from. Users' corpora come in the IWSLT/WMT layout (DIR/train.SRC, train.TGT,
// valid.*, test.*); the default corpus is built in default_corpus.h.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "supernet/data/parallel_text.h"
#include "supernet/data/progress.h"
#include "supernet/data/split.h"

namespace hat::data {

struct Corpus {
  std::string source_lang, target_lang;
  ParallelText train, valid, test;
  nlohmann::json description;  // kind, files and checksums, extraction counts, split
};

struct UserCorpusOptions {
  std::filesystem::path dir;
  std::string source_lang, target_lang;
  // Used only when the corpus has no valid.* and test.* files: they are then split from train.
  SplitOptions split;
};

// Reads a user's corpus: DIR/train.SRC and DIR/train.TGT, and DIR/valid.* and DIR/test.* when
// present (both or neither). Every line is validated and normalised; errors name file and line.
Corpus read_user_corpus(const UserCorpusOptions& options, const Progress& progress = {});

}  // namespace hat::data
