#include "search/supernet_fitness.h"

#include "devices/random.h"
#include "latency/predict/metrics.h"
#include "supernet/data/special_tokens.h"

namespace hat::search {

SupernetFitness::SupernetFitness(model::SuperTransformer& model, const data::TokenSplit& valid,
                                 int64_t sentences, int64_t max_tokens, double label_smoothing)
    : model_(model), scorer_(valid, sentences, max_tokens, data::kPadId, label_smoothing) {}

std::vector<double> SupernetFitness::operator()(const std::vector<arch::ArchConfig>& archs) const {
  std::vector<double> losses;
  losses.reserve(archs.size());
  for (const arch::ArchConfig& arch : archs)
    losses.push_back(scorer_.score(model_, arch).loss_bits);
  return losses;
}

double subset_rank_agreement(FitnessCache& subset, const SupernetFitness& full,
                             const arch::SearchSpace& space, int count, uint64_t seed) {
  std::vector<arch::ArchConfig> sample;
  for (int i = 0; i < count; ++i)
    sample.push_back(arch::sample_arch(space, mix64(seed + 1000 + i)));
  return latency::kendall_tau(subset(sample), full(sample));
}

}  // namespace hat::search
