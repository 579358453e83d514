#include "supernet/train/scorer.h"

#include <cmath>
#include <numbers>

#include "supernet/data/collate.h"
#include "supernet/data/token_batches.h"

namespace hat::train {

Scorer::Scorer(const data::TokenSplit& split, int64_t max_sentences, int64_t max_tokens,
               int32_t padding_idx, double label_smoothing)
    : label_smoothing_(label_smoothing) {
  HAT_CHECK(max_sentences >= 0 && max_tokens > 0, "scorer: max sentences ", max_sentences,
            " must be >= 0 and max tokens ", max_tokens, " > 0");
  const size_t n = max_sentences == 0 ? split.size()
                                      : std::min<size_t>(split.size(), max_sentences);
  HAT_CHECK(n > 0, "scorer: split '", split.name, "' has no sentences to score");
  // The first n sentences as their own columns, so that the batcher sees only them.
  data::TokenColumn source, target;
  for (size_t i = 0; i < n; ++i) {
    const auto s = split.source.sentence(i), t = split.target.sentence(i);
    source.append(s.first(s.size() - 1));  // append() adds eos back
    target.append(t.first(t.size() - 1));
  }
  data::TokenBatcher batcher(source.lengths(), target.lengths(),
                             {.max_tokens = static_cast<uint64_t>(max_tokens), .shuffle = false});
  HAT_CHECK(batcher.skipped() == 0, "scorer: ", batcher.skipped(), " sentences of split '",
            split.name, "' are longer than max tokens ", max_tokens, "; raise --max-tokens");
  const data::EpochBatches epoch = batcher.epoch(1);
  for (size_t b = 0; b < epoch.size(); ++b)
    batches_.push_back(model::to_model_batch(data::collate(source, target, epoch[b]), padding_idx));
  sentences_ = static_cast<int64_t>(n);
}

Score Scorer::score(model::SuperTransformer& model, const arch::ArchConfig& arch) const {
  model::LossSums sums;
  for (const model::ModelBatch& batch : batches_)
    sums += model.evaluate(arch, batch, label_smoothing_);
  HAT_CHECK(sums.tokens > 0, "scorer: no target tokens scored");
  const double per_token_bits = 1.0 / (static_cast<double>(sums.tokens) * std::numbers::ln2);
  Score s;
  s.loss_bits = sums.loss * per_token_bits;
  s.nll_bits = sums.nll * per_token_bits;
  s.tokens = sums.tokens;
  s.sentences = sentences_;
  HAT_CHECK(std::isfinite(s.loss_bits), "scorer: the loss is not finite (", s.loss_bits,
            "); the SuperTransformer's weights hold NaN or inf");
  return s;
}

}  // namespace hat::train
