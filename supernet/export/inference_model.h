// The model hattranslate and hateval run: a model directory (--model), or a SubTransformer of
// a SuperTransformer checkpoint with a data directory's vocabulary (--checkpoint, --data).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "supernet/arch/arch_config.h"
#include "supernet/data/vocabulary.h"
#include "supernet/translate/model_loader.h"

namespace hat::standalone {

struct ModelChoice {
  std::optional<std::filesystem::path> model_dir;  // a model directory; else the checkpoint
  std::filesystem::path checkpoint;
  // The checkpoint's vocabulary; with a model directory, checked against the model's when given.
  std::optional<std::filesystem::path> data;
  // --arch when given: largest, smallest, trained or a YAML file for a checkpoint (default
  // largest); for a model directory only its own architecture (the default).
  std::optional<std::string> arch;
};

struct InferenceModel {
  translate::LoadedModel loaded;
  arch::ArchConfig arch;
  data::Vocabulary vocabulary;
  std::string description;  // "model directory DIR" or "checkpoint DIR (update N)", for logs
};

InferenceModel open_inference_model(const ModelChoice& choice,
                                    const translate::TranslateWarning& warn = {});

}  // namespace hat::standalone
