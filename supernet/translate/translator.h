// Translating raw text with a SubTransformer of a SuperTransformer (inherited weights):
// normalise, SentencePiece encode, length-sorted token-budgeted batches, beam search, decode,
// output in input order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/data/vocabulary.h"
#include "supernet/decode/beam_search.h"
#include "supernet/decode/incremental_decoder.h"
#include "supernet/model/super_transformer.h"
#include "supernet/translate/model_loader.h"

namespace hat::translate {

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

  // Source tokens the model takes (its positions table, less one for the eos).
  int64_t max_source_tokens() const;

  // Target tokens of the best hypotheses produced so far (eos not counted), for throughput.
  int64_t generated_tokens() const { return generated_tokens_; }
  // The most bytes of keys/values (self-attention and encoder-decoder) one batch has held: the
  // part of a translator's memory that grows with the batch (see IncrementalDecoder).
  int64_t peak_cache_bytes() const { return decoder_.peak_cache_bytes(); }

 private:
  const model::SuperTransformer& model_;
  const data::Vocabulary& vocabulary_;
  decode::BeamSearchOptions beam_;
  int64_t max_tokens_;
  TranslateWarning warn_;
  decode::IncrementalDecoder decoder_;
  int64_t generated_tokens_ = 0;
};

}  // namespace hat::translate
