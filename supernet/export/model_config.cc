// config.json of a model directory (see model_config.h).
#include "supernet/export/model_config.h"

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/export/standalone_dims.h"
#include "util/sha256.h"
#include "util/text_lines.h"

namespace hat::standalone {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json dims_to_json(const arch::ModelDims& d) {
  return {{"vocab_size", d.vocab_size},
          {"encoder_embed_dim", d.encoder_embed_max},
          {"decoder_embed_dim", d.decoder_embed_max},
          {"encoder_ffn_max", d.encoder_ffn_max},
          {"decoder_ffn_max", d.decoder_ffn_max},
          {"encoder_layers", d.encoder_layers_max},
          {"decoder_layers", d.decoder_layers_max},
          {"qkv_dim", d.qkv_dim},
          {"max_positions", d.max_positions},
          {"share_all_embeddings", d.share_all_embeddings},
          {"padding_idx", d.padding_idx},
          {"encoder_positions_dim", d.encoder_positions_dim},
          {"decoder_positions_dim", d.decoder_positions_dim},
          {"ende_encoder_layers", d.ende_encoder_layers}};
}

arch::ModelDims dims_from_json(const json& j) {
  arch::ModelDims d;
  d.vocab_size = j.at("vocab_size").get<int64_t>();
  d.encoder_embed_max = j.at("encoder_embed_dim").get<int64_t>();
  d.decoder_embed_max = j.at("decoder_embed_dim").get<int64_t>();
  d.encoder_ffn_max = j.at("encoder_ffn_max").get<int64_t>();
  d.decoder_ffn_max = j.at("decoder_ffn_max").get<int64_t>();
  d.encoder_layers_max = j.at("encoder_layers").get<int64_t>();
  d.decoder_layers_max = j.at("decoder_layers").get<int64_t>();
  d.qkv_dim = j.at("qkv_dim").get<int64_t>();
  d.max_positions = j.at("max_positions").get<int64_t>();
  d.share_all_embeddings = j.at("share_all_embeddings").get<bool>();
  d.padding_idx = j.at("padding_idx").get<int32_t>();
  d.encoder_positions_dim = j.at("encoder_positions_dim").get<int64_t>();
  d.decoder_positions_dim = j.at("decoder_positions_dim").get<int64_t>();
  d.ende_encoder_layers = j.at("ende_encoder_layers").get<int64_t>();
  return d;
}

// A file name of the directory itself: no path separators, nothing that leaves it.
bool plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

json to_json(const ModelConfig& c) {
  json files = json::object();
  for (const auto& [name, f] : c.files) files[name] = {{"bytes", f.bytes}, {"sha256", f.sha256}};
  return {{"format", "hat-model"},
          {"format_version", kModelFormatVersion},
          {"arch", arch::arch_to_yaml(c.arch)},
          {"arch_hash", arch::arch_hash(c.arch)},
          {"model", dims_to_json(c.dims)},
          {"vocabulary",
           {{"file", kModelVocabularyFile}, {"size", c.vocab_size}, {"sha256", c.vocab_sha256}}},
          {"parameters",
           {{"total", c.parameters}, {"without_embeddings", c.parameters_without_embeddings}}},
          {"provenance", c.provenance},
          {"files", files}};
}

ModelConfig model_config_from_json(const json& j, const std::string& where) {
  HAT_CHECK(j.is_object() && j.value("format", "") == "hat-model", where,
            ": not a hat model config (no \"format\": \"hat-model\")");
  ModelConfig c;
  try {
    const int version = j.at("format_version").get<int>();
    HAT_CHECK(version == kModelFormatVersion, where, ": format version ", version,
              ", but this build reads version ", kModelFormatVersion);
    c.arch = arch::arch_from_yaml(j.at("arch").get<std::string>(), where + " (arch)");
    c.dims = dims_from_json(j.at("model"));
    c.vocab_size = j.at("vocabulary").at("size").get<int64_t>();
    c.vocab_sha256 = j.at("vocabulary").at("sha256").get<std::string>();
    c.parameters = j.at("parameters").at("total").get<int64_t>();
    c.parameters_without_embeddings = j.at("parameters").at("without_embeddings").get<int64_t>();
    c.provenance = j.value("provenance", json::object());
    for (const auto& [name, f] : j.at("files").items()) {
      HAT_CHECK(plain_file_name(name), where, ": files lists '", name,
                "', not a file of the directory");
      c.files[name] = {f.at("bytes").get<uint64_t>(), f.at("sha256").get<std::string>()};
    }
  } catch (const json::exception& e) {
    throw Error(str(where, ": malformed model config: ", e.what()));
  }
  HAT_CHECK(c.vocab_size == c.dims.vocab_size, where, ": vocabulary size ", c.vocab_size,
            " differs from the model's ", c.dims.vocab_size);
  HAT_CHECK(
      standalone_dims(c.dims, c.arch) == c.dims, where,
      ": the model dims do not match the architecture (embed dims, largest FFN dims and layer "
      "counts must be the architecture's own)");
  return c;
}

ModelConfig read_model_config(const fs::path& dir) {
  const std::string where = str("model directory ", dir.string());
  HAT_CHECK(fs::is_directory(dir), where, ": no such directory");
  const fs::path path = dir / kModelConfigFile;
  HAT_CHECK(fs::is_regular_file(path), where, ": ", kModelConfigFile,
            " is missing (not a model directory written by hatexport?)");
  json j;
  try {
    j = json::parse(util::read_file(path));
  } catch (const json::exception& e) {
    throw Error(str(where, ": ", kModelConfigFile, " is not valid JSON: ", e.what()));
  }
  const ModelConfig c = model_config_from_json(j, path.string());
  for (const char* required : {kModelWeightsFile, kModelVocabularyFile})
    HAT_CHECK(c.files.count(required), where, ": ", kModelConfigFile, " lists no ", required);
  for (const auto& [name, record] : c.files) {
    std::error_code error;
    const uint64_t bytes = fs::file_size(dir / name, error);
    HAT_CHECK(!error, where, ": ", name, " is missing or unreadable (", error.message(), ")");
    HAT_CHECK(bytes == record.bytes, where, ": ", name, " has ", bytes, " bytes but ",
              kModelConfigFile, " records ", record.bytes, " (truncated or replaced)");
    const std::string digest = util::sha256_file(dir / name);
    HAT_CHECK(digest == record.sha256, where, ": ", name, " has SHA-256 ", digest, " but ",
              kModelConfigFile, " records ", record.sha256, " (the file was altered or damaged)");
  }
  return c;
}

}  // namespace hat::standalone
