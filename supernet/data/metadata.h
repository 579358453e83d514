// metadata.json of a data directory: what it holds (languages, splits, vocabulary, files with
// their sizes and SHA-256) and where the text came from, so later tools need only its path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace hat::data {

inline constexpr const char* kMetadataFile = "metadata.json";
inline constexpr const char* kVocabularyFile = "spm.model";
inline constexpr int kFormatVersion = 1;

struct SplitInfo {
  uint64_t pairs = 0;
  uint64_t source_tokens = 0;  // eos included
  uint64_t target_tokens = 0;
};

struct FileInfo {
  uint64_t bytes = 0;
  std::string sha256;
};

struct DataMetadata {
  int format_version = kFormatVersion;
  std::string source_lang, target_lang;
  std::string normalization;
  int vocab_size = 0;
  std::string vocab_model_type;
  nlohmann::json vocabulary;  // training options, as recorded
  std::map<std::string, SplitInfo> splits;  // "train", "valid", "test"
  std::map<std::string, FileInfo> files;    // every file of the directory but metadata.json
  nlohmann::json corpus;                    // where the text came from (kind, path, checksum, counts)
  std::string created;                      // UTC, ISO 8601
  std::string tool;
};

nlohmann::json to_json(const DataMetadata& metadata);
// Parses and checks metadata.json (format, version, special ids); `name` names it in errors.
DataMetadata metadata_from_json(const nlohmann::json& json, const std::string& name);

void write_metadata(const DataMetadata& metadata, const std::filesystem::path& file);
DataMetadata read_metadata(const std::filesystem::path& file);

// Current UTC time as "2024-05-01T12:00:00Z".
std::string utc_now();

}  // namespace hat::data
