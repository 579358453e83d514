// The end of a fixed-architecture training run (hattrain --arch/--init --export): its best
// checkpoint, judged by the SubTransformer's validation loss, or its last when it never
// validated, cut out into a model directory by export_model.
#pragma once

#include <filesystem>

#include "supernet/arch/arch_config.h"
#include "supernet/export/exporter.h"

namespace hat::standalone {

struct TrainedExport {
  std::filesystem::path checkpoint;  // the checkpoint exported
  ExportSummary summary;
};

// `save_dir` is the run's checkpoint directory, `last_checkpoint` its newest checkpoint and
// `data_dir` the data directory it trained on (its vocabulary goes into the model directory).
TrainedExport export_trained_model(const std::filesystem::path& save_dir,
                                   const std::filesystem::path& last_checkpoint,
                                   const std::filesystem::path& data_dir,
                                   const arch::ArchConfig& arch, const ExportOptions& request,
                                   const translate::TranslateWarning& warn = {});

}  // namespace hat::standalone
