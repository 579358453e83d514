// hatexport's engine: cuts one SubTransformer out of a loaded SuperTransformer into a model
// directory (config.json, model.safetensors at the true sizes, spm.model), written atomically.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "supernet/arch/arch_config.h"
#include "supernet/data/data_directory.h"
#include "supernet/translate/model_loader.h"

namespace hat::standalone {

struct ExportOptions {
  std::filesystem::path out;  // the model directory to write
  bool force = false;         // replace an existing model directory (nothing else)
  std::optional<std::filesystem::path> search_result;  // hatsearch's result.json, recorded
};

struct ExportSummary {
  std::filesystem::path dir;
  int64_t parameters = 0;                     // == SuperTransformer::parameter_count(arch, true)
  int64_t parameters_without_embeddings = 0;  // == parameter_count(arch, false), HAT's count
  int64_t tensors = 0;
  uint64_t weight_bytes = 0;  // of model.safetensors
};

// Writes the model directory of `arch` (validated against loaded's search space: an
// architecture outside it is refused). `data` must be the directory load_model checked the
// vocabulary against; its spm.model is copied and must hash to the checkpoint's vocab_sha256.
// An existing `out` is refused unless force (and then only a model directory or an empty one
// is replaced). Built under a temporary name beside `out` and renamed into place: after any
// failure there is the old directory or none, never a half-written one. Warnings (a search
// result that does not name this architecture) go to `warn`.
ExportSummary export_model(const translate::LoadedModel& loaded, const arch::ArchConfig& arch,
                           const data::DataDirectory& data, const ExportOptions& options,
                           const translate::TranslateWarning& warn = {});

}  // namespace hat::standalone
