// A model judged on a data split, the steps hateval's model mode and hatreport share: the
// split's first sentences, their translation (timed), the model's loss on them, and the lines
// hateval prints about it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "supernet/data/data_directory.h"
#include "supernet/translate/translator.h"
#include "supernet/export/inference_model.h"
#include "supernet/train/scorer.h"

namespace hat::experiments {

// The first `max_sentences` pairs of the split (0: all of them).
data::ParallelText first_pairs(const data::DataDirectory& data, const std::string& split, int64_t max_sentences);

struct SplitTranslation {
  std::vector<std::string> hypotheses;  // one per source, in order
  double seconds = 0;                   // translating, model set-up excluded
  int64_t generated_tokens = 0;         // target tokens of the hypotheses (eos not counted)
  int64_t peak_rss_bytes = 0;           // the process's peak resident memory after translating
};

// Translates the sources with `search`, at most max_tokens source tokens a batch, `threads.inter`
// batches at once (Translator::set_threads).
SplitTranslation translate_sources(const standalone::InferenceModel& model,
                                   const std::vector<std::string>& sources,
                                   const decode::BeamSearchOptions& search, int64_t max_tokens,
                                   const translate::TranslateWarning& warn = {},
                                   const translate::TranslateThreads& threads = {});

struct SplitLoss {
  train::Score score;
  double label_smoothing = 0.1;  // the model's training setting (0.1 when it does not record one)
};

// The model's loss and nll on the first `sentences` pairs of the split, smoothed as it trained,
// in batches of at most min(max_tokens, kLossBatchTokens) tokens: the training forward keeps
// every activation, and the loss does not depend on the batching.
inline constexpr int64_t kLossBatchTokens = 1024;
SplitLoss split_loss(const standalone::InferenceModel& model, const data::DataDirectory& data,
                     const std::string& split, int64_t sentences, int64_t max_tokens);

// "model: DESCRIPTION, arch SUMMARY\nsplit: SPLIT, N sentences, beam B, lenpen L\n".
std::string format_evaluation_header(const standalone::InferenceModel& model,
                                     const std::string& split, size_t sentences,
                                     const decode::BeamSearchOptions& search);

// The loss line, the translation speed, and the first `examples` translations beside their
// sources and references.
std::string format_evaluation_details(const SplitLoss& loss, const SplitTranslation& translation,
                                      const data::ParallelText& text, int64_t examples);

}  // namespace hat::experiments
