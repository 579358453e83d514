#include "supernet/export/trained_export.h"

#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/data/data_directory.h"
#include "supernet/translate/model_loader.h"

namespace hat::standalone {

TrainedExport export_trained_model(const std::filesystem::path& save_dir,
                                   const std::filesystem::path& last_checkpoint,
                                   const std::filesystem::path& data_dir,
                                   const arch::ArchConfig& arch, const ExportOptions& request,
                                   const translate::TranslateWarning& warn) {
  const data::DataDirectory data(data_dir);
  TrainedExport result;
  result.checkpoint = checkpoint::CheckpointStore(save_dir, 0, warn).best().value_or(last_checkpoint);
  const translate::LoadedModel loaded = translate::load_model(result.checkpoint, data, warn);
  result.summary = export_model(loaded, arch, data, request, warn);
  return result;
}

}  // namespace hat::standalone
