#include "latency/measure/profiled_model.h"

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::latency {

std::unique_ptr<model::SuperTransformer> random_weight_model(const arch::SearchSpace& space,
                                                             int64_t vocab_size, uint64_t seed) {
  arch::ModelDims dims = space.super_dims;
  dims.vocab_size = vocab_size;
  auto model = std::make_unique<model::SuperTransformer>(dims);
  model->init_parameters(seed);
  return model;
}

arch::ArchConfig resolve_space_arch(const std::string& spec, const ProfiledModel& model) {
  const arch::ArchConfig arch = arch::arch_from_spec(spec, model.space.space);
  model.model().check_arch(arch);
  return arch;
}

ProfiledModel open_profiled_model(const std::optional<standalone::ModelChoice>& choice,
                                  const RandomWeights& random,
                                  const std::optional<std::string>& arch,
                                  const translate::TranslateWarning& warn) {
  ProfiledModel m;
  if (choice) {
    standalone::InferenceModel opened = standalone::open_inference_model(*choice, warn);
    m.loaded = std::move(opened.loaded);
    m.space = m.loaded.space;
    m.weights = opened.description;
    // A model directory holds one SubTransformer: always that one. A checkpoint's architecture
    // only when asked for; otherwise the run samples its space.
    if (choice->model_dir || arch) m.fixed_arch = opened.arch;
  } else {
    m.space = arch::load_space_file(random.space);
    m.random = random_weight_model(m.space.space, random.vocab_size, random.seed);
    m.weights = str("random (seed ", random.seed, ")");
    if (arch) m.fixed_arch = resolve_space_arch(*arch, m);
  }
  m.space.space.super_dims.vocab_size = m.model().dims().vocab_size;
  return m;
}

}  // namespace hat::latency
