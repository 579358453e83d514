// Loading a trained SuperTransformer for inference: a checkpoint directory (or a save
// directory: its newest sound checkpoint), its search space from state.json, its parameters
// (no optimizer), checked against a data directory's vocabulary.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/space_file.h"
#include "supernet/data/data_directory.h"
#include "supernet/model/super_transformer.h"

namespace hat::translate {

// Receives warnings (damaged checkpoints skipped, lines cut); library code never prints.
using TranslateWarning = std::function<void(const std::string&)>;

struct LoadedModel {
  std::unique_ptr<model::SuperTransformer> model;
  arch::SpaceFile space;            // parsed from state.json's trainer.space.text
  std::filesystem::path checkpoint; // the checkpoint directory read
  int64_t update = 0;
  std::optional<arch::ArchConfig> trained_arch;  // when the run trained one fixed SubTransformer
  nlohmann::json trainer;                  // state.json's trainer object
};

// `path` itself when it holds state.json, else the newest checkpoint of the save directory
// `path` that verifies (damaged newer ones go to `warn`). Throws hat::Error naming `path` when
// it does not exist or holds no checkpoint.
std::filesystem::path resolve_checkpoint(const std::filesystem::path& path,
                                         const TranslateWarning& warn = {});

// Resolves `path`, verifies the checkpoint (sizes, SHA-256), checks that its vocab_sha256
// equals the SHA-256 `data` records for spm.model and that the vocabulary sizes agree, builds
// the SuperTransformer of the stored space and copies its parameters in bit for bit. Throws
// hat::Error naming the checkpoint and the fault.
LoadedModel load_model(const std::filesystem::path& path, const data::DataDirectory& data,
                       const TranslateWarning& warn = {});

// "largest", "smallest", "trained" (the fixed SubTransformer the run trained, when it did), or
// an architecture YAML file (ours or HAT's), validated against the loaded model.
arch::ArchConfig resolve_arch(const std::string& spec, const LoadedModel& loaded);

}  // namespace hat::translate
