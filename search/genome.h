// HAT's genes (evo_search.py): a SubTransformer as one choice per gene, in the layout
//   encoder embed, encoder layer count, encoder FFN x Le, encoder heads x Le,
//   decoder embed, decoder layer count, decoder FFN x Ld, decoder self heads x Ld,
//   decoder cross heads x Ld, decoder attend-to encoder layers x Ld
// where Le and Ld are the largest layer counts of the space. Genes of layers past the layer
// count are carried (mutation and crossover act on them) but do not reach the architecture,
// as in HAT.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/search_space.h"

namespace hat::search {

using Genome = std::vector<int64_t>;  // one chosen value per gene

class GenomeSpace {
 public:
  explicit GenomeSpace(const arch::SearchSpace& space);  // validates the space

  size_t size() const { return choices_.size(); }
  const std::vector<int64_t>& choices(size_t gene) const { return *choices_[gene]; }
  const std::string& gene_name(size_t gene) const { return names_[gene]; }
  const arch::SearchSpace& space() const { return space_; }

  // Every gene drawn uniformly from its choices.
  Genome random(uint64_t& rng) const;
  // The architecture: layer counts from their genes, per-layer values of the active layers.
  arch::ArchConfig decode(const Genome& genome) const;
  // The genome of an architecture of the space (inactive layers repeat the last active one).
  // Throws hat::Error naming the field when `arch` is not in the space.
  Genome encode(const arch::ArchConfig& arch) const;

 private:
  arch::SearchSpace space_;
  int64_t encoder_layers_ = 0, decoder_layers_ = 0;  // Le, Ld
  std::vector<const std::vector<int64_t>*> choices_;
  std::vector<std::string> names_;
};

// Each gene replaced, with probability p, by a uniform draw from its choices (HAT's mutate;
// the draw may equal the old value).
Genome mutate(const GenomeSpace& space, const Genome& parent, double p, uint64_t& rng);
// Each gene taken from either parent with probability 1/2 (HAT's crossover).
Genome crossover(const Genome& a, const Genome& b, uint64_t& rng);

}  // namespace hat::search
