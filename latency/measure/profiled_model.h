// The model a latency run measures: a model directory (hatexport's), a SubTransformer of a
// checkpoint's SuperTransformer, or a SuperTransformer with random weights for a search space
// (the weights do not change the time; only the shapes do).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "supernet/arch/space_file.h"
#include "supernet/export/inference_model.h"

namespace hat::latency {

// A SuperTransformer of the space's largest dimensions at `vocab_size`, weights drawn from `seed`.
std::unique_ptr<model::SuperTransformer> random_weight_model(const arch::SearchSpace& space,
                                                             int64_t vocab_size, uint64_t seed);

struct RandomWeights {
  std::string space = "default";  // a shipped space name or a space file
  int64_t vocab_size = 0;
  uint64_t seed = 1;
};

struct ProfiledModel {
  std::unique_ptr<model::SuperTransformer> random;  // random weights; else `loaded`'s model
  translate::LoadedModel loaded;
  arch::SpaceFile space;  // the space sampled from (vocab_size: the model's)
  // The one architecture to measure: a model directory's own always; otherwise --arch when given
  // (largest, smallest or a YAML file; `trained` too for a checkpoint).
  std::optional<arch::ArchConfig> fixed_arch;
  std::string weights;  // "random (seed S)", "checkpoint DIR (update N)" or "model directory DIR"
  const model::SuperTransformer& model() const { return random ? *random : *loaded.model; }
};

// `choice` (a model directory or a checkpoint) when given, else random weights; `arch` is the
// fixed architecture asked for (nothing: sample). Throws hat::Error with the file at fault.
ProfiledModel open_profiled_model(const std::optional<standalone::ModelChoice>& choice,
                                  const RandomWeights& random,
                                  const std::optional<std::string>& arch,
                                  const translate::TranslateWarning& warn = {});

// largest, smallest, or a YAML file, checked against the model.
arch::ArchConfig resolve_space_arch(const std::string& spec, const ProfiledModel& model);

}  // namespace hat::latency
