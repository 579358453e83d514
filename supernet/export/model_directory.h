// Loading a model directory (hatexport's output) for inference: the SubTransformer rebuilt at
// its own size, usable wherever a LoadedModel and an ArchConfig are (Translator, Scorer,
// IncrementalDecoder, the latency protocol); and copying its tensors into a SuperTransformer
// (hattrain --init).
#pragma once

#include <filesystem>
#include <string>

#include "supernet/arch/arch_config.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/vocabulary.h"
#include "supernet/export/model_config.h"
#include "supernet/model/super_transformer.h"
#include "supernet/translate/model_loader.h"

namespace hat::standalone {

struct ModelDirectory {
  ModelConfig config;
  // model: a SuperTransformer at standalone dims whose leading blocks hold the tensors (the
  // rest is zero and never read); checkpoint: the directory; update and space: provenance's;
  // trained_arch: the architecture; trainer: the provenance (settings included).
  translate::LoadedModel loaded;
  arch::ArchConfig arch;
  data::Vocabulary vocabulary;  // DIR/spm.model
};

// Verifies config.json and every file it lists (read_model_config), rebuilds the model and
// reads model.safetensors into it, and loads the vocabulary. Throws hat::Error naming the
// directory and the file at fault.
ModelDirectory load_model_directory(const std::filesystem::path& dir);

// Reads DIR's tensors into the leading blocks of `model` (a SuperTransformer the architecture
// fits), leaving everything else as it is. Refused unless the vocabulary size, qkv_dim,
// embedding sharing, padding id, position table widths and HAT's list of encoder outputs
// agree, since the inherited weights would otherwise compute something else.
void load_model_tensors(const std::filesystem::path& dir, const ModelConfig& config,
                        model::SuperTransformer& model);

// The architecture a tool runs for `--arch SPEC` with a model directory: the model's own for
// "" or "trained"; a YAML file must equal it; largest, smallest or another architecture are
// refused, naming both.
arch::ArchConfig resolve_model_arch(const std::string& spec, const ModelDirectory& model);

// Throws unless `data`'s spm.model (by its recorded SHA-256) is the model's vocabulary.
void check_model_vocabulary(const ModelConfig& config, const std::filesystem::path& dir,
                            const data::DataDirectory& data);

}  // namespace hat::standalone
