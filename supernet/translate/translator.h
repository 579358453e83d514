// Translating raw text with a SubTransformer of a SuperTransformer (inherited weights):
// normalise, SentencePiece encode, length-sorted token-budgeted batches, beam search, decode,
// output in input order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/data/vocabulary.h"
#include "supernet/decode/beam_search.h"
#include "supernet/decode/incremental_decoder.h"
#include "supernet/model/super_transformer.h"
#include "supernet/translate/model_loader.h"

namespace hat::translate {

// How translation uses the cores, as CTranslate2 names it: `inter` batches at once, each on its
// own thread with `intra` threads for its ops (0: the threads set_num_threads gave).
struct TranslateThreads {
  int inter = 1;
  int intra = 0;
};

class Translator {
 public:
  // Keeps references to `model` and `vocabulary` (which must outlive this). max_tokens bounds
  // each batch: sentences * (longest source + 1) <= max_tokens (a longer single sentence goes
  // alone). Throws hat::Error when the arch does not fit the model or max_tokens < 1.
  Translator(const model::SuperTransformer& model, const arch::ArchConfig& arch,
             const data::Vocabulary& vocabulary, const decode::BeamSearchOptions& beam,
             int64_t max_tokens, TranslateWarning warn = {});
  ~Translator();

  // One output line per input line, in input order. Each line is validated (invalid UTF-8:
  // hat::Error naming the 1-based line and byte), normalised as the data directory's text was,
  // and encoded; empty lines give empty outputs without reaching the model; sources longer
  // than max_source_tokens() are cut, with one warning per call naming how many and the first.
  std::vector<std::string> translate(const std::vector<std::string>& lines);

  // The same on token ids (no eos; at most max_source_tokens() each): best hypothesis tokens.
  std::vector<std::vector<int32_t>> translate_ids(const std::vector<std::vector<int32_t>>& sources);

  // Translates threads.inter batches at once (two small batches on two cores gain more than
  // one batch's small GEMMs split over both). inter = 1, the default: one batch at a time. Each
  // extra batch in flight holds its own decoder (the decoder's weights, transposed, and its
  // batch's keys/values). The output does not depend on the split. Throws hat::Error when
  // inter < 1 or intra < 0.
  void set_threads(const TranslateThreads& threads);

  // Source tokens the model takes (its positions table, less one for the eos).
  int64_t max_source_tokens() const;

  // Target tokens of the best hypotheses produced so far (eos not counted), for throughput.
  int64_t generated_tokens() const { return generated_tokens_; }
  // The most bytes of keys/values (self-attention and encoder-decoder) one batch has held: the
  // part of a translator's memory that grows with the batch (see IncrementalDecoder).
  // With inter > 1: the sum over the decoders, each batch in flight holding its own.
  int64_t peak_cache_bytes() const;

 private:
  const model::SuperTransformer& model_;
  const data::Vocabulary& vocabulary_;
  decode::BeamSearchOptions beam_;
  int64_t max_tokens_;
  TranslateWarning warn_;
  // Translates batches[i] into out (by source index) with one decoder per batch in flight.
  void run_batches(const std::vector<std::vector<size_t>>& batches,
                   const std::vector<std::vector<int32_t>>& sources,
                   std::vector<std::vector<int32_t>>& out);

  const arch::ArchConfig arch_;
  TranslateThreads threads_;
  std::vector<std::unique_ptr<decode::IncrementalDecoder>> decoders_;  // [0] always, more for inter
  int64_t generated_tokens_ = 0;
};

}  // namespace hat::translate
