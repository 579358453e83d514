// Preparing a data directory from a corpus: normalised text of every split, a joint
// SentencePiece vocabulary trained on train only, token ids with index files, and metadata.json
// with sizes and SHA-256 checksums. Written to a temporary directory and renamed at the end.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "supernet/data/corpus.h"
#include "supernet/data/metadata.h"
#include "supernet/data/progress.h"
#include "supernet/data/vocabulary.h"

namespace hat::data {

struct PrepareOptions {
  std::filesystem::path out;
  bool force = false;  // replace an existing data directory
  VocabularyOptions vocabulary;
  std::string tool = "hatdata";  // recorded in metadata.json
};

// Layout of the directory (SRC, TGT = the corpus languages):
//   metadata.json                 DataMetadata (metadata.h)
//   spm.model, spm.vocab          SentencePiece model and its piece list (piece<TAB>id)
//   SPLIT.SRC, SPLIT.TGT          normalised text, one sentence a line (the IWSLT layout)
//   SPLIT.SRC.bin, SPLIT.SRC.idx  token ids (see token_column.h), likewise for TGT
// for SPLIT in train, valid, test. Returns the metadata written.
DataMetadata prepare_data_directory(const Corpus& corpus, const PrepareOptions& options,
                                    const Progress& progress = {});

}  // namespace hat::data
