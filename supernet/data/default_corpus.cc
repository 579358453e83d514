// The default German->English corpus from the Ding dictionary.
#include "supernet/data/default_corpus.h"

#include "devices/error.h"
#include "util/sha256.h"

namespace hat::data {

Corpus build_default_corpus(const DefaultCorpusOptions& options, const Progress& progress) {
  report(progress, str("extracting sentence pairs from ", options.ding.string()));
  DingExtraction extraction = extract_ding_file(options.ding, options.extraction);
  report(progress, str("extracted ", extraction.sentences.size(), " sentence pairs",
                       options.extraction.phrases ? str(" and ", extraction.phrases.size(), " phrase pairs") : ""));
  SplitResult split = split_pairs(extraction.sentences, options.split, options.ding.string() + " (sentence pairs)");

  Corpus corpus;
  corpus.source_lang = "de";
  corpus.target_lang = "en";
  corpus.train = std::move(split.train);
  corpus.valid = std::move(split.valid);
  corpus.test = std::move(split.test);
  const size_t train_sentences = corpus.train.size();
  size_t phrases_dropped = 0;
  if (options.extraction.phrases) {
    const std::vector<bool> held = overlaps(extraction.phrases, {&corpus.valid, &corpus.test});
    for (size_t i = 0; i < extraction.phrases.size(); ++i) {
      if (held[i]) ++phrases_dropped;
      else corpus.train.add(extraction.phrases.source[i], extraction.phrases.target[i]);
    }
  }
  const DingOptions& x = options.extraction;
  corpus.description = {
      {"kind", "ding"},
      {"path", options.ding.string()},
      {"package", "trans-de-en"},
      {"license", "GPL-2+"},
      {"version", extraction.version},
      {"sha256", util::sha256_file(options.ding)},
      {"direction", "de->en"},
      {"extraction",
       {{"min_words", x.min_words},
        {"max_words", x.max_words},
        {"max_ratio", x.max_ratio},
        {"phrases", x.phrases},
        {"phrase_min_words", x.phrase_min_words},
        {"counts", extraction.counts}}},
      {"split",
       {{"kind", "split from sentence pairs"},
        {"seed", options.split.seed},
        {"valid", options.split.valid},
        {"test", options.split.test}}},
      {"train_sentence_pairs", train_sentences},
      {"train_phrase_pairs", corpus.train.size() - train_sentences},
      {"phrase_pairs_dropped_for_sharing_a_valid_or_test_sentence", phrases_dropped},
  };
  return corpus;
}

}  // namespace hat::data
