// A small search space for the search tests, and a synthetic fitness with a known optimum
// under a known constraint.
#pragma once

#include <cstdlib>

#include "search/evolution.h"

namespace hat::test {

inline arch::SearchSpace search_test_space() {
  arch::SearchSpace s;
  s.name = "search-test";
  s.super_dims.encoder_embed_max = s.super_dims.decoder_embed_max = 512;
  s.super_dims.encoder_ffn_max = s.super_dims.decoder_ffn_max = 2048;
  s.super_dims.encoder_layers_max = s.super_dims.decoder_layers_max = 3;
  s.super_dims.qkv_dim = 64;
  s.encoder_embed_choices = s.decoder_embed_choices = {256, 384, 512};
  s.encoder_ffn_choices = s.decoder_ffn_choices = {512, 1024, 2048};
  s.encoder_layer_choices = s.decoder_layer_choices = {1, 2, 3};
  s.encoder_self_heads_choices = s.decoder_self_heads_choices = {2, 4};
  s.decoder_ende_heads_choices = {2, 4};
  s.decoder_ende_layers_choices = {1};
  return s;
}

// The cost the constraint bounds: every active width summed, as a latency would grow.
inline int64_t synthetic_cost(const arch::ArchConfig& a) {
  int64_t c = a.encoder_embed_dim + a.decoder_embed_dim;
  for (int64_t f : a.encoder_ffn_dims) c += f;
  for (int64_t f : a.decoder_ffn_dims) c += f;
  return c;
}

// Fitness: genes (of the canonical genome) that differ from the target's; 0 only at the target.
struct SyntheticProblem {
  search::GenomeSpace space{search_test_space()};
  arch::ArchConfig target;
  int64_t budget = 0;
  int64_t evaluations = 0;

  SyntheticProblem() {
    target.encoder_embed_dim = 384;
    target.decoder_embed_dim = 512;
    target.encoder_layers = 2;
    target.decoder_layers = 3;
    target.encoder_ffn_dims = {2048, 1024};
    target.encoder_self_heads = {4, 2};
    target.decoder_ffn_dims = {1024, 512, 2048};
    target.decoder_self_heads = {2, 4, 4};
    target.decoder_ende_heads = {4, 4, 2};
    target.decoder_ende_layers = {1, 1, 1};
    budget = synthetic_cost(target);
  }
  double fitness(const arch::ArchConfig& a) {
    ++evaluations;
    const search::Genome g = space.encode(a), t = space.encode(target);
    double d = 0;
    for (size_t i = 0; i < g.size(); ++i) d += g[i] != t[i];
    return d;
  }
  search::FitnessFn fitness_fn() {
    return [this](const std::vector<arch::ArchConfig>& archs) {
      std::vector<double> out;
      for (const arch::ArchConfig& a : archs) out.push_back(fitness(a));
      return out;
    };
  }
  search::ConstraintFn constraint() const {
    return [b = budget](const arch::ArchConfig& a) { return synthetic_cost(a) <= b; };
  }
};

}  // namespace hat::test
