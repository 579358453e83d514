// hatdata's options, bound to hat::data's option structs: the flag tables of its commands,
// kept apart from the main as Marian keeps its config parser. Header-only, as only tools that
// link hat_supernet include it.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "supernet/data/default_corpus.h"
#include "supernet/data/prepare.h"
#include "supernet/data/token_batches.h"

namespace hat::cli {

// Where a data directory goes and how its vocabulary is trained; --out is required when
// `default_out` is null.
inline void add_prepare_options(boost::program_options::options_description& o, data::PrepareOptions& p,
                                int& threads, const char* default_out) {
  namespace po = boost::program_options;
  o.add_options()
    ("out,o", default_out ? po::value<std::string>()->default_value(default_out) : po::value<std::string>()->required(),
     "output data directory (written to a temporary directory beside it, renamed at the end)")
    ("force", po::bool_switch(&p.force), "replace an existing data directory")
    ("vocab-size", po::value(&p.vocabulary.size)->default_value(8000), "SentencePiece vocabulary size "
     "(joint source+target, trained on train only; ids bos=0 pad=1 eos=2 unk=3)")
    ("model-type", po::value(&p.vocabulary.model_type)->default_value("bpe"), "SentencePiece model: bpe or unigram")
    ("character-coverage", po::value(&p.vocabulary.character_coverage)->default_value(1.0),
     "fraction of characters covered by their own piece")
    ("vocab-seed", po::value(&p.vocabulary.seed)->default_value(1), "SentencePiece random seed")
    ("threads", po::value(&threads)->default_value(0), "threads (0 = all cores)");
}

// How the default corpus is extracted from the Ding dictionary and split (--ding is read back
// by name, as a path).
inline void add_default_corpus_options(boost::program_options::options_description& o,
                                       data::DefaultCorpusOptions& d) {
  namespace po = boost::program_options;
  o.add_options()
    ("ding", po::value<std::string>()->default_value(data::kDingPath), "Ding dictionary file (package trans-de-en)")
    ("valid", po::value(&d.split.valid)->default_value(1000), "valid sentence pairs (at least)")
    ("test", po::value(&d.split.test)->default_value(1000), "test sentence pairs (at least)")
    ("seed", po::value(&d.split.seed)->default_value(1), "seed of the train/valid/test split")
    ("phrases", po::bool_switch(&d.extraction.phrases), "add multi-word phrase pairs to train")
    ("min-words", po::value(&d.extraction.min_words)->default_value(3), "fewest words a side (sentences)")
    ("max-words", po::value(&d.extraction.max_words)->default_value(50), "most words a side")
    ("max-ratio", po::value(&d.extraction.max_ratio)->default_value(2.0), "largest word-count ratio of the sides");
}

// hatdata extract-default: where the plain text goes, and the default corpus's options.
inline void add_extract_options(boost::program_options::options_description& o, data::DefaultCorpusOptions& d,
                                bool& force) {
  namespace po = boost::program_options;
  o.add_options()
    ("out,o", po::value<std::string>()->default_value("data/default-text"), "output directory")
    ("force", po::bool_switch(&force), "replace an existing output directory");
  add_default_corpus_options(o, d);
}

// A user's corpus (hatdata prepare); --corpus is read back by name.
inline void add_user_corpus_options(boost::program_options::options_description& o, data::UserCorpusOptions& u) {
  namespace po = boost::program_options;
  o.add_options()
    ("corpus,c", po::value<std::string>()->required(), "corpus directory holding train.SRC, train.TGT, "
     "valid.*, test.* (one sentence a line, UTF-8)")
    ("source-lang,s", po::value(&u.source_lang)->required(), "source language suffix, e.g. de")
    ("target-lang,t", po::value(&u.target_lang)->required(), "target language suffix, e.g. en")
    ("valid", po::value(&u.split.valid)->default_value(1000), "valid pairs split from train when there are no valid.* files")
    ("test", po::value(&u.split.test)->default_value(1000), "test pairs split from train when there are no test.* files")
    ("seed", po::value(&u.split.seed)->default_value(1), "seed of that split");
}

// hatdata info: --verify, and the random pairs to print; --dir is read back by name.
inline void add_info_options(boost::program_options::options_description& o, size_t& samples, std::string& split,
                             uint64_t& seed) {
  namespace po = boost::program_options;
  o.add_options()
    ("dir", po::value<std::string>()->required(), "data directory")
    ("verify", "recompute every file's SHA-256 and compare with metadata.json")
    ("samples", po::value(&samples)->default_value(0), "print this many random pairs")
    ("split", po::value(&split)->default_value("test"), "split to sample from")
    ("seed", po::value(&seed)->default_value(1), "seed of the sample");
}

// info and batches take the data directory as their one positional argument.
inline boost::program_options::positional_options_description dir_positional() {
  boost::program_options::positional_options_description positional;
  positional.add("dir", 1);
  return positional;
}

// hatdata batches: the batching of one split and how many epochs to time; --dir is read back
// by name.
inline void add_batch_options(boost::program_options::options_description& o, data::BatchOptions& b,
                              std::string& split, uint64_t& epochs) {
  namespace po = boost::program_options;
  o.add_options()
    ("dir", po::value<std::string>()->required(), "data directory")
    ("split", po::value(&split)->default_value("train"), "train, valid or test")
    ("max-tokens", po::value(&b.max_tokens)->default_value(4096), "token budget per batch (rows x longest)")
    ("max-sentences", po::value(&b.max_sentences)->default_value(0), "rows per batch (0 = no limit)")
    ("seed", po::value(&b.seed)->default_value(1), "shuffle seed")
    ("epochs", po::value(&epochs)->default_value(3), "epochs to time");
}

}  // namespace hat::cli
