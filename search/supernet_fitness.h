// The search's fitness (HAT's evo_search get_scores): the validation loss of a SubTransformer
// with weights inherited from the SuperTransformer, in bits per target token (label-smoothed,
// as fairseq's valid loss), on a fixed subset of the validation sentences for speed.
#pragma once

#include <cstdint>
#include <vector>

#include "search/evolution.h"
#include "search/fitness_cache.h"
#include "supernet/data/data_directory.h"
#include "supernet/train/scorer.h"

namespace hat::search {

class SupernetFitness {
 public:
  // sentences: the first N validation sentences (0 = all).
  SupernetFitness(model::SuperTransformer& model, const data::TokenSplit& valid, int64_t sentences,
                  int64_t max_tokens, double label_smoothing);

  // One loss per architecture, scored one after another (each uses every thread).
  std::vector<double> operator()(const std::vector<arch::ArchConfig>& archs) const;
  int64_t sentences() const { return scorer_.sentences(); }

 private:
  model::SuperTransformer& model_;
  train::Scorer scorer_;
};

// What the subset costs: Kendall tau between the loss on the subset (through `subset`, the
// search's cache, so these architectures are not scored twice) and on every sentence (`full`),
// over `count` architectures sampled from the seed.
double subset_rank_agreement(FitnessCache& subset, const SupernetFitness& full,
                             const arch::SearchSpace& space, int count, uint64_t seed);

}  // namespace hat::search
