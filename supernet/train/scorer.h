// The search's fitness: the validation loss of any SubTransformer with weights inherited from
// the SuperTransformer, on a data split (all of it or its first N sentences). The batches are
// collated once and reused for every architecture scored.
#pragma once

#include <cstdint>
#include <vector>

#include "supernet/data/data_directory.h"
#include "supernet/model/super_transformer.h"

namespace hat::train {

struct Score {
  double loss_bits = 0;  // label-smoothed cross-entropy per target token, in bits (HAT's fitness)
  double nll_bits = 0;   // plain negative log-likelihood per target token, in bits
  int64_t tokens = 0;    // target tokens scored
  int64_t sentences = 0;
};

class Scorer {
 public:
  // Scores sentences [0, max_sentences) of the split (0 = all), in length-sorted batches of at
  // most max_tokens tokens (no shuffling: the same batches every time).
  Scorer(const data::TokenSplit& split, int64_t max_sentences, int64_t max_tokens,
         int32_t padding_idx, double label_smoothing);

  // No dropout, no gradients; the model's buffers are reused.
  Score score(model::SuperTransformer& model, const arch::ArchConfig& arch) const;

  int64_t sentences() const { return sentences_; }

 private:
  std::vector<model::ModelBatch> batches_;
  int64_t sentences_ = 0;
  double label_smoothing_;
};

}  // namespace hat::train
