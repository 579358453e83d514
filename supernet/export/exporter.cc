// Cutting a SubTransformer out of a SuperTransformer into a model directory (see exporter.h).
#include "supernet/export/exporter.h"

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/search_space.h"
#include "supernet/checkpoint/checkpoint.h"
#include "supernet/checkpoint/safetensors.h"
#include "supernet/export/model_config.h"
#include "supernet/export/standalone_dims.h"
#include "supernet/export/subtransformer_tensors.h"
#include "util/atomic_directory.h"
#include "util/atomic_file.h"
#include "util/sha256.h"
#include "util/text_lines.h"

namespace hat::standalone {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Refuses to overwrite anything but an earlier model directory (or an empty directory) even
// with force: `--out ~` must never delete a home directory.
void check_output(const fs::path& out, bool force) {
  if (!fs::exists(fs::symlink_status(out))) return;
  HAT_CHECK(force, "export: ", out.string(), " already exists; pass --force to replace it");
  HAT_CHECK(fs::is_directory(fs::symlink_status(out)) &&
                (fs::is_empty(out) || fs::exists(out / kModelConfigFile)),
            "export: ", out.string(), " exists and is not a model directory (no ", kModelConfigFile,
            "); refusing to replace it even with --force");
}

data::FileInfo file_record(const fs::path& path) {
  return {fs::file_size(path), util::sha256_file(path)};
}

// The checkpoint the SubTransformer comes from, identified by its files' SHA-256.
json checkpoint_provenance(const translate::LoadedModel& loaded) {
  const fs::path state_file = loaded.checkpoint / checkpoint::kStateFile;
  std::string model_sha256;
  try {
    const json state = json::parse(util::read_file(state_file));
    model_sha256 = state.at("files").at(checkpoint::kModelFile).at("sha256").get<std::string>();
  } catch (const json::exception& e) {
    throw Error(str("export: ", state_file.string(), " records no model checksum: ", e.what()));
  }
  json p = {{"checkpoint", fs::absolute(loaded.checkpoint).lexically_normal().string()},
            {"update", loaded.update},
            {"checkpoint_state_sha256", util::sha256_file(state_file)},
            {"checkpoint_model_sha256", model_sha256},
            {"space",
             {{"name", loaded.space.space.name},
              {"hash", loaded.space.hash},
              {"text", loaded.space.text}}},
            {"trained_fixed_arch", loaded.trained_arch.has_value()}};
  if (loaded.trainer.contains("settings")) p["settings"] = loaded.trainer["settings"];
  return p;
}

// hatsearch's result.json, kept whole; a warning when none of its runs chose this architecture.
json search_provenance(const fs::path& path, const arch::ArchConfig& arch,
                       const translate::TranslateWarning& warn) {
  const std::string text = util::read_file(path);
  json result;
  try {
    result = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(str("export: search result ", path.string(), " is not valid JSON: ", e.what()));
  }
  bool named = false;
  if (result.is_object() && result.contains("runs") && result["runs"].is_array())
    for (const json& run : result["runs"])
      named = named || (run.is_object() && run.value("arch", "") == arch::arch_to_yaml(arch));
  if (!named && warn)
    warn(str("search result ", path.string(), " does not name architecture ",
             arch::arch_hash(arch)));
  return {{"path", fs::absolute(path).lexically_normal().string()},
          {"sha256", util::sha256_hex(text)},
          {"result", result}};
}

}  // namespace

ExportSummary export_model(const translate::LoadedModel& loaded, const arch::ArchConfig& arch,
                           const data::DataDirectory& data, const ExportOptions& options,
                           const translate::TranslateWarning& warn) {
  HAT_CHECK(loaded.model, "export: no model loaded");
  HAT_CHECK(!options.out.empty(), "export: no output directory given");
  check_output(options.out, options.force);
  const model::SuperTransformer& model = *loaded.model;
  model.check_arch(arch);
  arch::validate_arch(loaded.space.space, arch);

  ModelConfig config;
  config.arch = arch;
  config.dims = standalone_dims(model.dims(), arch);
  config.vocab_size = model.dims().vocab_size;
  config.parameters = model.parameter_count(arch, true);
  config.parameters_without_embeddings = model.parameter_count(arch, false);
  config.provenance = checkpoint_provenance(loaded);
  config.provenance["data_dir"] = fs::absolute(data.path()).lexically_normal().string();
  config.provenance["created"] = data::utc_now();
  config.provenance["tool"] = "hatexport";
  if (options.search_result)
    config.provenance["search_result"] = search_provenance(*options.search_result, arch, warn);

  const std::vector<SubTensor> tensors = subtransformer_tensors(model, arch);
  HAT_CHECK(total_elements(tensors) == config.parameters, "export: ", total_elements(tensors),
            " elements in the tensors but parameter_count says ", config.parameters);
  checkpoint::NamedTensors named;
  for (const SubTensor& t : tensors)
    named.emplace_back(t.name, t.parts.size() == 1 ? t.parts[0] : gather(t));
  const std::string vocabulary = util::read_file(data.path() / data::kVocabularyFile);
  config.vocab_sha256 = util::sha256_hex(vocabulary);
  const std::string trained_with = loaded.trainer.value("vocab_sha256", "");
  HAT_CHECK(config.vocab_sha256 == trained_with,
            "export: ", (data.path() / data::kVocabularyFile).string(), " has SHA-256 ",
            config.vocab_sha256, ", but the checkpoint was trained with ", trained_with,
            " (another vocabulary)");

  util::AtomicDirectory staging(options.out);
  const fs::path weights = staging.path() / kModelWeightsFile;
  checkpoint::write_safetensors(
      weights, named,
      {{"format", "pt"}, {"producer", "hat"}, {"arch_hash", arch::arch_hash(arch)}});
  util::write_file_atomically(staging.path() / kModelVocabularyFile, vocabulary);
  config.files[kModelWeightsFile] = file_record(weights);
  config.files[kModelVocabularyFile] = file_record(staging.path() / kModelVocabularyFile);
  util::write_file_atomically(staging.path() / kModelConfigFile,
                                    to_json(config).dump(2) + "\n");
  staging.commit();

  ExportSummary summary;
  summary.dir = options.out;
  summary.parameters = config.parameters;
  summary.parameters_without_embeddings = config.parameters_without_embeddings;
  summary.tensors = static_cast<int64_t>(tensors.size());
  summary.weight_bytes = config.files[kModelWeightsFile].bytes;
  return summary;
}

}  // namespace hat::standalone
