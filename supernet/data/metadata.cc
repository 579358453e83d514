// metadata.json of a data directory.
#include "supernet/data/metadata.h"

#include <ctime>

#include "devices/error.h"
#include "supernet/data/special_tokens.h"
#include "util/text_lines.h"

namespace hat::data {

using nlohmann::json;

json to_json(const DataMetadata& m) {
  json splits = json::object(), files = json::object();
  for (const auto& [name, s] : m.splits)
    splits[name] = {{"pairs", s.pairs}, {"source_tokens", s.source_tokens}, {"target_tokens", s.target_tokens}};
  for (const auto& [name, f] : m.files) files[name] = {{"bytes", f.bytes}, {"sha256", f.sha256}};
  json vocabulary = m.vocabulary.is_object() ? m.vocabulary : json::object();
  vocabulary["file"] = kVocabularyFile;
  vocabulary["size"] = m.vocab_size;
  vocabulary["model_type"] = m.vocab_model_type;
  vocabulary["special_ids"] = {{"bos", kBosId}, {"pad", kPadId}, {"eos", kEosId}, {"unk", kUnkId}};
  return {
      {"format", "hat-data"},
      {"format_version", m.format_version},
      {"languages", {{"source", m.source_lang}, {"target", m.target_lang}}},
      {"normalization", m.normalization},
      {"tokens", {{"dtype", "int32"}, {"byte_order", "little"}, {"eos_appended", true}, {"index", "uint64 offsets"}}},
      {"vocabulary", vocabulary},
      {"splits", splits},
      {"files", files},
      {"corpus", m.corpus},
      {"created", m.created},
      {"tool", m.tool},
  };
}

DataMetadata metadata_from_json(const json& j, const std::string& name) {
  try {
    HAT_CHECK(j.is_object() && j.value("format", "") == "hat-data", name, ": not a hatdata metadata file");
    DataMetadata m;
    m.format_version = j.at("format_version").get<int>();
    HAT_CHECK(m.format_version == kFormatVersion, name, ": format version ", m.format_version,
              " is not the supported version ", kFormatVersion, "; prepare the data again");
    m.source_lang = j.at("languages").at("source").get<std::string>();
    m.target_lang = j.at("languages").at("target").get<std::string>();
    m.normalization = j.at("normalization").get<std::string>();
    m.vocabulary = j.at("vocabulary");
    m.vocab_size = m.vocabulary.at("size").get<int>();
    m.vocab_model_type = m.vocabulary.at("model_type").get<std::string>();
    const json& ids = m.vocabulary.at("special_ids");
    HAT_CHECK(ids.at("bos") == kBosId && ids.at("pad") == kPadId && ids.at("eos") == kEosId &&
                  ids.at("unk") == kUnkId,
              name, ": special ids ", ids.dump(), " differ from the fixed bos ", kBosId, ", pad ", kPadId, ", eos ",
              kEosId, ", unk ", kUnkId);
    for (const auto& [split, s] : j.at("splits").items())
      m.splits[split] = {s.at("pairs").get<uint64_t>(), s.at("source_tokens").get<uint64_t>(),
                         s.at("target_tokens").get<uint64_t>()};
    for (const auto& [file, f] : j.at("files").items())
      m.files[file] = {f.at("bytes").get<uint64_t>(), f.at("sha256").get<std::string>()};
    m.corpus = j.value("corpus", json::object());
    m.created = j.value("created", "");
    m.tool = j.value("tool", "");
    return m;
  } catch (const json::exception& e) {
    throw Error(str(name, ": malformed metadata: ", e.what()));
  }
}

void write_metadata(const DataMetadata& metadata, const std::filesystem::path& file) {
  util::write_file(file, to_json(metadata).dump(2) + "\n");
}

DataMetadata read_metadata(const std::filesystem::path& file) {
  HAT_CHECK(std::filesystem::exists(file), file.string(), ": no such file; is ", file.parent_path().string(),
            " a data directory prepared by hatdata?");
  json j;
  try {
    j = json::parse(util::read_file(file));
  } catch (const json::exception& e) {
    throw Error(str(file.string(), ": not valid JSON: ", e.what()));
  }
  return metadata_from_json(j, file.string());
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace hat::data
