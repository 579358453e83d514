// Opening the model a tool runs (see inference_model.h).
#include "supernet/export/inference_model.h"

#include "devices/error.h"
#include "supernet/data/data_directory.h"
#include "supernet/export/model_directory.h"

namespace hat::standalone {

InferenceModel open_inference_model(const ModelChoice& choice,
                                    const translate::TranslateWarning& warn) {
  if (choice.model_dir) {
    ModelDirectory dir = load_model_directory(*choice.model_dir);
    if (choice.data)
      check_model_vocabulary(dir.config, *choice.model_dir, data::DataDirectory(*choice.data));
    const arch::ArchConfig arch = resolve_model_arch(choice.arch.value_or(""), dir);
    return {std::move(dir.loaded), arch, std::move(dir.vocabulary),
            str("model directory ", choice.model_dir->string())};
  }
  HAT_CHECK(choice.data, "a checkpoint needs the data directory of its vocabulary");
  const data::DataDirectory data(*choice.data);
  translate::LoadedModel loaded = translate::load_model(choice.checkpoint, data, warn);
  const arch::ArchConfig arch = translate::resolve_arch(choice.arch.value_or("largest"), loaded);
  const std::string description =
      str("checkpoint ", loaded.checkpoint.string(), " (update ", loaded.update, ")");
  return {std::move(loaded), arch, data.vocabulary(), description};
}

}  // namespace hat::standalone
