// HAT's evolutionary-search settings as HAT wrote them (configs/<task>/evo_search/
// <task>_<device>.yml: evo-iter, population-size, parent-size, mutation-size, crossover-size,
// mutation-prob, latency-constraint), so that `hatsearch --hat-config FILE` runs HAT's search as
// configured. HAT's own file paths and its predictor's normalisation (ckpt-path, restore-file,
// write-config-path, feature-norm, lat-norm) have counterparts here (--checkpoint, --out, the
// device's predictor) and are listed as not used; any other key is an error naming it.
#pragma once

#include <string>
#include <vector>

#include "search/evolution.h"

namespace hat::search {

struct HatEvoConfig {
  EvolutionOptions evolution;         // iterations, parents, mutations, crossovers, probability
  double latency_ms = 0;              // latency-constraint (HAT's unit: ms)
  std::vector<std::string> not_used;  // keys of the file that stand for HAT's own files
};

// Throws hat::Error naming the file and the key for a missing or mistyped key, an unknown key,
// or a population-size other than parent-size + mutation-size + crossover-size (HAT's search
// refills the population to that sum every iteration; ours has no other size).
HatEvoConfig read_hat_evo_config(const std::string& path);

}  // namespace hat::search
