// The default German->English corpus: sentence pairs (and optionally phrase pairs, train only)
// extracted from Debian's trans-de-en (the Ding dictionary, GPL-2+) and split deterministically.
#pragma once

#include <filesystem>

#include "supernet/data/corpus.h"
#include "supernet/data/ding.h"
#include "supernet/data/progress.h"
#include "supernet/data/split.h"

namespace hat::data {

struct DefaultCorpusOptions {
  std::filesystem::path ding = kDingPath;
  DingOptions extraction;
  SplitOptions split;  // valid and test: sentence pairs only
};

// Extracts, de-duplicates and splits the Ding pairs (direction de->en). Phrase pairs, when
// asked for, go to train only, minus any that share a sentence with valid or test.
Corpus build_default_corpus(const DefaultCorpusOptions& options, const Progress& progress = {});

}  // namespace hat::data
