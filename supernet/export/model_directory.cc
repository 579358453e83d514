// Loading a model directory (see model_directory.h).
#include "supernet/export/model_directory.h"

#include <map>

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/space_file.h"
#include "supernet/checkpoint/safetensors.h"
#include "supernet/export/subtransformer_tensors.h"

namespace hat::standalone {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Whether every encoder output the architecture's decoder layers attend to is the same layer's
// under both dims (HAT's list of encoder outputs may be longer than the active layers).
bool same_ende_sources(const arch::ModelDims& a, const arch::ModelDims& b,
                       const arch::ArchConfig& arch) {
  for (int64_t n : arch.decoder_ende_layers)
    for (int64_t j = 0; j < n; ++j)
      if (arch::ende_source_layer(a, arch.encoder_layers, j) !=
          arch::ende_source_layer(b, arch.encoder_layers, j))
        return false;
  return true;
}

void check_compatible(const std::string& where, const ModelConfig& config,
                      const arch::ModelDims& m) {
  const arch::ModelDims& c = config.dims;
  HAT_CHECK(m.vocab_size == c.vocab_size, where, " has a vocabulary of ", c.vocab_size,
            " pieces, the model ", m.vocab_size, " (another data directory?)");
  HAT_CHECK(m.qkv_dim == c.qkv_dim && m.share_all_embeddings == c.share_all_embeddings &&
                m.padding_idx == c.padding_idx,
            where, " has qkv_dim ", c.qkv_dim, ", shared embeddings ", c.share_all_embeddings,
            ", padding id ", c.padding_idx, "; the model ", m.qkv_dim, ", ", m.share_all_embeddings,
            ", ", m.padding_idx);
  HAT_CHECK(arch::encoder_positions_width(m) == arch::encoder_positions_width(c) &&
                arch::decoder_positions_width(m) == arch::decoder_positions_width(c),
            where, " was cut from a SuperTransformer with position tables of width (",
            arch::encoder_positions_width(c), ", ", arch::decoder_positions_width(c),
            "), this model has (", arch::encoder_positions_width(m), ", ",
            arch::decoder_positions_width(m),
            "): its weights would see other positions (use the search space it came from)");
  HAT_CHECK(
      same_ende_sources(m, c, config.arch), where, " was cut from a SuperTransformer with ",
      arch::ende_list_layers(c), " encoder layers, this model has ", arch::ende_list_layers(m),
      ": its decoder would attend to other encoder layers (use the search space it came from)");
}

}  // namespace

void load_model_tensors(const fs::path& dir, const ModelConfig& config,
                        model::SuperTransformer& model) {
  const std::string where = str("model directory ", dir.string());
  check_compatible(where, config, model.dims());
  const std::vector<SubTensor> tensors = subtransformer_tensors(model, config.arch);
  const fs::path file = dir / kModelWeightsFile;
  const checkpoint::SafetensorsHeader header = checkpoint::read_safetensors_header(file);
  std::map<std::string, Tensor> destinations;
  std::vector<std::pair<const SubTensor*, Tensor>> stacked;  // read densely, then scattered
  for (const SubTensor& t : tensors) {
    const checkpoint::SafetensorsEntry* found = header.find(t.name);
    const DType dtype = t.parts[0].dtype();
    HAT_CHECK(found, where, ": ", kModelWeightsFile, " has no tensor ", t.name, " ", t.shape);
    HAT_CHECK(found->shape == t.shape && found->dtype == dtype, where, ": ", kModelWeightsFile,
              " holds ", t.name, " as ", checkpoint::safetensors_dtype(found->dtype), " ",
              found->shape, ", the architecture needs ", checkpoint::safetensors_dtype(dtype), " ",
              t.shape);
    if (t.parts.size() == 1) {
      destinations[t.name] = t.parts[0];
    } else {
      stacked.emplace_back(&t, Tensor::zeros(t.shape, dtype));
      destinations[t.name] = stacked.back().second;
    }
  }
  HAT_CHECK(header.entries.size() == tensors.size(), where, ": ", kModelWeightsFile, " holds ",
            header.entries.size(), " tensors, the architecture ", tensors.size());
  checkpoint::read_safetensors_into(file, header, destinations);
  for (const auto& [t, dense] : stacked) scatter(dense, *t);
}

ModelDirectory load_model_directory(const fs::path& dir) {
  const std::string where = str("model directory ", dir.string());
  ModelConfig config = read_model_config(dir);
  data::Vocabulary vocabulary = data::Vocabulary::load(dir / kModelVocabularyFile);
  HAT_CHECK(vocabulary.size() == config.vocab_size, where, ": ", kModelVocabularyFile, " has ",
            vocabulary.size(), " pieces, ", kModelConfigFile, " records ", config.vocab_size);
  translate::LoadedModel loaded;
  loaded.model = std::make_unique<model::SuperTransformer>(config.dims);
  load_model_tensors(dir, config, *loaded.model);
  loaded.checkpoint = dir;
  loaded.update = config.provenance.value("update", int64_t{0});
  loaded.trained_arch = config.arch;
  loaded.trainer = config.provenance;
  if (config.provenance.contains("space")) {
    try {
      const json& space = config.provenance["space"];
      loaded.space = arch::parse_space_file(space.at("text").get<std::string>(),
                                            space.at("name").get<std::string>(),
                                            where + " (provenance.space)");
    } catch (const json::exception& e) {
      throw Error(
          str(where, ": ", kModelConfigFile, " has a malformed provenance.space: ", e.what()));
    }
  }
  const arch::ArchConfig arch = config.arch;
  return {std::move(config), std::move(loaded), arch, std::move(vocabulary)};
}

arch::ArchConfig resolve_model_arch(const std::string& spec, const ModelDirectory& model) {
  if (spec.empty() || spec == "trained") return model.arch;
  HAT_CHECK(spec != "largest" && spec != "smallest", "--arch ", spec, ": ",
            model.loaded.checkpoint.string(), " is a model directory holding one SubTransformer (",
            arch::arch_summary(model.arch), "), not a SuperTransformer; leave --arch out");
  const arch::ArchConfig arch = arch::arch_from_file(spec);
  HAT_CHECK(arch == model.arch, "--arch ", spec, " (", arch::arch_hash(arch),
            ") is not the architecture of ", model.loaded.checkpoint.string(), " (",
            arch::arch_hash(model.arch),
            "); a model directory holds one SubTransformer: leave --arch out");
  return arch;
}

void check_model_vocabulary(const ModelConfig& config, const fs::path& dir,
                            const data::DataDirectory& data) {
  const auto& files = data.metadata().files;
  const auto it = files.find(data::kVocabularyFile);
  HAT_CHECK(it != files.end(), data.path().string(), ": metadata lists no ", data::kVocabularyFile);
  HAT_CHECK(it->second.sha256 == config.vocab_sha256, "model directory ", dir.string(),
            " has another vocabulary than ", data.path().string(), " (spm.model SHA-256 ",
            config.vocab_sha256, " in the model, ", it->second.sha256, " in the data directory)");
}

}  // namespace hat::standalone
