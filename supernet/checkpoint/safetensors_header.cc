// Parsing and validation of a safetensors header: nothing in the file is trusted.
#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "devices/error.h"
#include "supernet/checkpoint/safetensors.h"

namespace hat::checkpoint {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The reference implementation refuses larger headers too (a guard against hostile files).
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

std::optional<DType> dtype_from_name(const std::string& name) {
  if (name == "F32") return DType::f32;
  if (name == "F64") return DType::f64;
  if (name == "I32") return DType::i32;
  return std::nullopt;
}

bool is_other_safetensors_dtype(const std::string& name) {
  static const std::array<const char*, 14> kNames = {"BOOL", "U8",  "I8",  "I16",     "U16",     "F16",
                                                     "BF16", "U32", "I64", "U64",     "F8_E4M3", "F8_E5M2",
                                                     "F4",   "F6_E2M3"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

SafetensorsEntry parse_entry(const fs::path& path, const std::string& name, const json& info) {
  const std::string where = str(path.string(), ": tensor '", name, "'");
  HAT_CHECK(info.is_object(), where, ": header entry is not a JSON object but ", info.dump());
  for (const auto& [key, value] : info.items())
    HAT_CHECK(key == "dtype" || key == "shape" || key == "data_offsets", where, ": unknown header field '", key,
              "'");
  HAT_CHECK(info.contains("dtype") && info["dtype"].is_string(), where, ": no string \"dtype\"");
  HAT_CHECK(info.contains("shape") && info["shape"].is_array(), where, ": no array \"shape\"");
  HAT_CHECK(info.contains("data_offsets") && info["data_offsets"].is_array() && info["data_offsets"].size() == 2,
            where, ": \"data_offsets\" is not a pair [begin, end]");

  SafetensorsEntry entry;
  entry.name = name;
  const std::string dtype = info["dtype"].get<std::string>();
  const std::optional<DType> known = dtype_from_name(dtype);
  HAT_CHECK(known || !is_other_safetensors_dtype(dtype), where, ": dtype ", dtype,
            " is not supported (this toolkit reads F32, F64 and I32)");
  HAT_CHECK(known, where, ": unknown dtype '", dtype, "'");
  entry.dtype = *known;

  uint64_t bytes = dtype_size(entry.dtype);
  for (const json& size : info["shape"]) {
    HAT_CHECK(size.is_number_unsigned(), where, ": shape ", info["shape"].dump(),
              " holds something other than sizes >= 0");
    const uint64_t s = size.get<uint64_t>();
    HAT_CHECK(s <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) && !__builtin_mul_overflow(bytes, s, &bytes),
              where, ": shape ", info["shape"].dump(), " is too large");
    entry.shape.push_back(static_cast<int64_t>(s));
  }
  const json& offsets = info["data_offsets"];
  HAT_CHECK(offsets[0].is_number_unsigned() && offsets[1].is_number_unsigned(), where, ": data_offsets ",
            offsets.dump(), " are not byte offsets >= 0");
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  HAT_CHECK(entry.begin <= entry.end, where, ": data_offsets ", offsets.dump(), " end before they begin");
  HAT_CHECK(entry.end - entry.begin == bytes, where, ": shape ", entry.shape, " of ", dtype, " needs ", bytes,
            " bytes but data_offsets ", offsets.dump(), " hold ", entry.end - entry.begin);
  return entry;
}

SafetensorsMetadata parse_metadata(const fs::path& path, const json& metadata) {
  HAT_CHECK(metadata.is_object(), path.string(), ": __metadata__ is not a JSON object");
  SafetensorsMetadata out;
  for (const auto& [key, value] : metadata.items()) {
    HAT_CHECK(value.is_string(), path.string(), ": __metadata__ value of '", key, "' is not a string but ",
              value.dump());
    out[key] = value.get<std::string>();
  }
  return out;
}

}  // namespace

SafetensorsHeader read_safetensors_header(const fs::path& path) {
  std::error_code error;
  const uint64_t file_size = fs::file_size(path, error);
  HAT_CHECK(!error, path.string(), ": cannot read the safetensors file: ", error.message());
  HAT_CHECK(file_size >= 8, path.string(), ": truncated safetensors file: ", file_size,
            " bytes, fewer than the 8-byte header length");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  unsigned char length_bytes[8];
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  HAT_CHECK(in, path.string(), ": read error in the header length");
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | length_bytes[i];  // little-endian
  HAT_CHECK(length <= file_size - 8, path.string(), ": header length ", length, " runs past the end of the file (",
            file_size, " bytes): truncated or not a safetensors file");
  HAT_CHECK(length <= kMaxHeaderBytes, path.string(), ": header length ", length, " exceeds the format's limit of ",
            kMaxHeaderBytes, " bytes");
  std::string text(length, '\0');
  in.read(text.data(), static_cast<std::streamsize>(length));
  HAT_CHECK(in, path.string(), ": read error in the header");

  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(str(path.string(), ": safetensors header is not valid JSON: ", e.what()));
  }
  HAT_CHECK(header.is_object(), path.string(), ": safetensors header is not a JSON object");

  SafetensorsHeader out;
  out.data_start = 8 + length;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__")
      out.metadata = parse_metadata(path, info);
    else
      out.entries.push_back(parse_entry(path, name, info));
  }
  std::sort(out.entries.begin(), out.entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  // The tensors must tile the data: each begins where the previous ended.
  uint64_t expected = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry& e : out.entries) {
    HAT_CHECK(e.begin >= expected, path.string(), ": tensor '", e.name, "' [", e.begin, ", ", e.end,
              ") overlaps tensor '", previous ? previous->name : "", "' [", previous ? previous->begin : 0, ", ",
              expected, ")");
    HAT_CHECK(e.begin == expected, path.string(), ": a gap of ", e.begin - expected, " bytes before tensor '", e.name,
              "' at data offset ", expected);
    expected = e.end;
    previous = &e;
  }
  const uint64_t data_size = file_size - out.data_start;
  HAT_CHECK(expected <= data_size, path.string(), ": truncated: the tensors need ", expected,
            " bytes of data but the file holds ", data_size);
  HAT_CHECK(expected == data_size, path.string(), ": ", data_size - expected,
            " bytes after the last tensor that no header entry accounts for");
  return out;
}

const SafetensorsEntry* SafetensorsHeader::find(const std::string& name) const {
  for (const SafetensorsEntry& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace hat::checkpoint
