#include "search/hat_evo_config.h"

#include "devices/error.h"
#include "supernet/arch/yaml_fields.h"

namespace hat::search {

HatEvoConfig read_hat_evo_config(const std::string& path) {
  arch::YamlMap map(arch::read_config_file(path, "HAT evo_search config"),
                    "HAT evo_search config '" + path + "'");
  const std::vector<std::string> hats_own = {"ckpt-path", "restore-file", "write-config-path",
                                             "feature-norm", "lat-norm"};
  std::vector<std::string> known = {"evo-iter",      "population-size", "parent-size",
                                    "mutation-size", "crossover-size",  "mutation-prob",
                                    "latency-constraint"};
  known.insert(known.end(), hats_own.begin(), hats_own.end());
  map.check_known(known);

  HatEvoConfig c;
  EvolutionOptions& e = c.evolution;
  e.iterations = static_cast<int>(map.get_int("evo-iter"));
  e.parents = static_cast<int>(map.get_int("parent-size"));
  e.mutations = static_cast<int>(map.get_int("mutation-size"));
  e.crossovers = static_cast<int>(map.get_int("crossover-size"));
  e.mutation_probability = map.get_double("mutation-prob");
  const int64_t population = map.get_int("population-size");
  HAT_CHECK(population == e.population(), map.where("population-size"), " is ", population,
            ", not parent-size + mutation-size + crossover-size (", e.population(),
            "): HAT's search refills its population to that sum every iteration, and so does ours");
  c.latency_ms = map.get_double("latency-constraint");
  HAT_CHECK(c.latency_ms > 0, map.where("latency-constraint"), " must be positive (ms)");
  for (const std::string& key : hats_own)
    if (map.has(key)) {
      map.mark_used(key);
      c.not_used.push_back(key);
    }
  try {
    e.validate();
  } catch (const Error& error) {
    throw Error(str(map.source(), ": ", error.what()));
  }
  return c;
}

}  // namespace hat::search
