// Loading a trained SuperTransformer for inference (see model_loader.h).
#include "supernet/translate/model_loader.h"

#include <map>

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/search_space.h"
#include "supernet/checkpoint/checkpoint.h"
#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/checkpoint/safetensors.h"
#include "supernet/data/special_tokens.h"

namespace hat::translate {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path resolve_checkpoint(const fs::path& path, const TranslateWarning& warn) {
  HAT_CHECK(fs::exists(path), "checkpoint ", path.string(), " does not exist");
  if (fs::exists(path / checkpoint::kStateFile)) return path;
  HAT_CHECK(fs::is_directory(path), "checkpoint ", path.string(), " is not a directory");
  const CheckpointStore store(path, 0, warn);
  const std::optional<fs::path> latest = store.latest();
  HAT_CHECK(latest.has_value(), "checkpoint ", path.string(),
            " holds neither state.json nor any sound checkpoint_NNNNNNNN directory");
  return *latest;
}

namespace {

std::string spm_checksum(const data::DataDirectory& data) {
  const auto& files = data.metadata().files;
  const auto it = files.find("spm.model");
  HAT_CHECK(it != files.end(), data.path().string(), ": metadata lists no spm.model");
  return it->second.sha256;
}

}  // namespace

LoadedModel load_model(const fs::path& path, const data::DataDirectory& data,
                       const TranslateWarning& warn) {
  LoadedModel out;
  out.checkpoint = resolve_checkpoint(path, warn);
  const std::string where = out.checkpoint.string();
  const json state = checkpoint::verify_checkpoint(out.checkpoint);
  try {
    out.trainer = state.at("trainer");
    out.update = state.at("update").get<int64_t>();
    const json& space = out.trainer.at("space");
    out.space =
        arch::parse_space_file(space.at("text").get<std::string>(),
                               space.at("name").get<std::string>(), where + " (trainer.space)");
    const std::string vocab = out.trainer.at("vocab_sha256").get<std::string>();
    HAT_CHECK(vocab == spm_checksum(data), "checkpoint ", where,
              " was trained with another vocabulary than ", data.path().string(),
              "'s spm.model (SHA-256 ", vocab, " in the checkpoint, ", spm_checksum(data),
              " in the data directory)");
    if (out.trainer.contains("arch") && !out.trainer.at("arch").is_null())
      out.trained_arch = arch::arch_from_yaml(out.trainer.at("arch").get<std::string>(),
                                              where + " (trainer.arch)");
  } catch (const json::exception& e) {
    throw Error(str("checkpoint ", where, ": state.json lacks the trainer's fields: ", e.what()));
  }
  arch::ModelDims dims = out.space.space.super_dims;
  dims.vocab_size = data.vocab_size();
  dims.padding_idx = data::kPadId;
  out.model = std::make_unique<model::SuperTransformer>(dims);

  const fs::path file = out.checkpoint / checkpoint::kModelFile;
  const checkpoint::SafetensorsHeader header = checkpoint::read_safetensors_header(file);
  std::map<std::string, Tensor> values;
  for (const ParameterStore::Entry& e : out.model->parameters().entries()) {
    const checkpoint::SafetensorsEntry* found = header.find(e.name);
    HAT_CHECK(found, "checkpoint ", where, " has no parameter ", e.name, " ", e.value.shape(),
              " (another search space or vocabulary?)");
    HAT_CHECK(found->shape == e.value.shape() && found->dtype == e.value.dtype(), "checkpoint ",
              where, ": ", e.name, " is ", checkpoint::safetensors_dtype(found->dtype), " ",
              found->shape, " there but ", e.value.describe(), " in the model");
    values[e.name] = e.value;
  }
  HAT_CHECK(header.entries.size() == values.size(), "checkpoint ", where, " holds ",
            header.entries.size(), " tensors, the model ", values.size());
  checkpoint::read_safetensors_into(file, header, values);
  return out;
}

arch::ArchConfig resolve_arch(const std::string& spec, const LoadedModel& loaded) {
  arch::ArchConfig arch;
  if (spec == "trained") {
    HAT_CHECK(loaded.trained_arch.has_value(), "--arch trained: ", loaded.checkpoint.string(),
              " trained the whole SuperTransformer, not one SubTransformer");
    arch = *loaded.trained_arch;
  } else {
    arch = arch::arch_from_spec(spec, loaded.space.space);
  }
  loaded.model->check_arch(arch);
  return arch;
}

}  // namespace hat::translate
