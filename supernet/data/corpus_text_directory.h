// A corpus as plain text (hatdata extract-default): DIR/SPLIT.SRC and DIR/SPLIT.TGT for train,
// valid and test (the IWSLT/WMT layout `hatdata prepare` reads back), and corpus.json, the
// corpus's description. Built under a temporary name and renamed into place at the end.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "supernet/data/corpus.h"

namespace hat::data {

// What every such directory holds; AtomicDirectory replaces only a directory holding it.
inline constexpr const char* kCorpusDescriptionFile = "corpus.json";

// Called after each split is written, with its name and number of pairs.
using SplitWritten = std::function<void(const std::string& split, size_t pairs)>;

// Writes the directory and returns its path. Refuses (hat::Error) an existing `out` unless
// `force`, and even then one that does not hold corpus.json.
std::filesystem::path write_corpus_text(const Corpus& corpus, const std::filesystem::path& out, bool force,
                                        const SplitWritten& on_split = {});

}  // namespace hat::data
