// Greedy and beam search over a batch of sentences with the incremental decoder, following
// fairseq's SequenceGenerator (the version HAT ships): length penalty, max length a * src + b,
// EOS handling and finished hypotheses. Deterministic (ties go to the lower beam, then the lower
// token id).
#pragma once

#include <cstdint>
#include <vector>

#include "supernet/decode/incremental_decoder.h"

namespace hat::decode {

struct BeamSearchOptions {
  int64_t beam = 5;
  double len_penalty = 1.0;  // final score = sum of log-probs (eos included) / length^len_penalty
  // At most floor(max_len_a * source_len + max_len_b) tokens before the eos (source_len counts
  // the source's eos), capped at max_positions - 1 (fairseq's max_decoder_positions() - 1).
  double max_len_a = 0.0;
  int64_t max_len_b = 200;
  int32_t eos = 2;  // fairseq's dictionary: bos 0, pad 1, eos 2, unk 3
};

struct Hypothesis {
  std::vector<int32_t> tokens;  // without the final eos
  double score = 0;             // sum of log-probs / (tokens + 1)^len_penalty
};

// The token budget before the forced eos for a source of `source_len` tokens (eos included).
int64_t max_target_length(const IncrementalDecoder& decoder, int64_t source_len,
                          const BeamSearchOptions& options);

// Translates every source (token ids WITHOUT the eos, which is appended; no padding_idx) and
// returns the best finished hypothesis per sentence, in input order. The decoder is re-encoded.
//
// fairseq's beam search: at each step every live beam's log-probs (padding_idx never, eos not
// before the first token, only eos once max_target_length tokens are out) plus its score give
// candidates; the best 2 * beam of them are ranked; an eos among the first `beam` finishes that
// hypothesis (while the sentence has fewer than `beam`), the first `beam` others continue. A
// sentence stops with `beam` finished hypotheses or at its max length; the best finished one by
// final score wins. Step 0 extends the single start state.
std::vector<Hypothesis> beam_search(IncrementalDecoder& decoder,
                                    const std::vector<std::vector<int32_t>>& sources,
                                    const BeamSearchOptions& options);

// Argmax decoding under the same rules (equals beam_search with beam 1; options.beam unused).
std::vector<Hypothesis> greedy_search(IncrementalDecoder& decoder,
                                      const std::vector<std::vector<int32_t>>& sources,
                                      const BeamSearchOptions& options);

}  // namespace hat::decode
