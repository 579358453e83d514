// config.json of a model directory (what hatexport writes): the architecture, the model dims
// it is rebuilt from, the vocabulary, provenance, parameter counts, and the size and SHA-256 of
// every other file, so that a missing or altered file is refused on load.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/model_dims.h"
#include "supernet/data/metadata.h"

namespace hat::standalone {

inline constexpr const char* kModelConfigFile = "config.json";
inline constexpr const char* kModelWeightsFile = "model.safetensors";
inline constexpr const char* kModelVocabularyFile = "spm.model";
inline constexpr int kModelFormatVersion = 1;

struct ModelConfig {
  arch::ArchConfig arch;
  arch::ModelDims dims;  // the standalone model's: standalone_dims(dims, arch) == dims
  int64_t vocab_size = 0;
  std::string vocab_sha256;                   // of spm.model
  int64_t parameters = 0;                     // every tensor of model.safetensors
  int64_t parameters_without_embeddings = 0;  // HAT's count
  // Where the model came from: the SuperTransformer checkpoint (path, update, SHA-256 of its
  // state.json and model.safetensors), its search space (name, hash, text) and training
  // settings, the data directory, the search result (path, SHA-256, contents) when given.
  nlohmann::json provenance = nlohmann::json::object();
  std::map<std::string, data::FileInfo> files;  // every file but config.json
};

nlohmann::json to_json(const ModelConfig& config);
// Parses and checks config.json's contents (format, version, fields, dims consistent with the
// architecture); `where` names the file in errors.
ModelConfig model_config_from_json(const nlohmann::json& json, const std::string& where);

// Reads DIR/config.json, then checks that model.safetensors and spm.model are listed and that
// every listed file exists with its recorded size and SHA-256. Throws hat::Error naming the
// directory and the file (missing, truncated, altered, or config.json unreadable / not JSON).
ModelConfig read_model_config(const std::filesystem::path& dir);

}  // namespace hat::standalone
