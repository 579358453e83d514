// Writing safetensors files, and reading their data once the header is validated.
#include "supernet/checkpoint/safetensors.h"

#include <bit>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "devices/error.h"
#include "util/atomic_file.h"

namespace hat::checkpoint {

namespace fs = std::filesystem;

// The data is written and read as the machine holds it; the format is little-endian.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

std::string safetensors_dtype(DType dtype) {
  switch (dtype) {
    case DType::f32: return "F32";
    case DType::f64: return "F64";
    case DType::i32: return "I32";
  }
  throw Error("safetensors: unknown dtype");
}

void write_safetensors(const fs::path& path, const NamedTensors& tensors, const SafetensorsMetadata& metadata) {
  // Key order as the reference writer: metadata first, then the tensors in data order.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    HAT_CHECK(!name.empty() && name != "__metadata__", path.string(), ": '", name,
              "' cannot name a tensor in a safetensors file");
    HAT_CHECK(names.insert(name).second, path.string(), ": tensor '", name, "' given twice");
    HAT_CHECK(t.defined(), path.string(), ": tensor '", name, "' is undefined");
    HAT_CHECK(t.device() == Device::cpu, path.string(), ": tensor '", name, "' ", t.describe(),
              " is not in CPU memory");
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * dtype_size(t.dtype());
    header[name] = {{"dtype", safetensors_dtype(t.dtype())},
                    {"shape", std::vector<int64_t>(t.shape().begin(), t.shape().end())},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {  // names or metadata that are not UTF-8
    throw Error(str(path.string(), ": cannot encode the safetensors header: ", e.what()));
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned

  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(text.size() >> (8 * i));
  util::AtomicFile file(path);
  file.write(length, 8);
  file.write(text);
  for (const auto& [name, t] : tensors) {
    const Tensor dense = t.is_contiguous() ? t : t.clone();  // row-major order
    file.write(dense.raw(), static_cast<size_t>(dense.numel()) * dtype_size(dense.dtype()));
  }
  file.commit();
}

void read_safetensors_into(const fs::path& path, const SafetensorsHeader& header,
                           const std::map<std::string, Tensor>& destinations) {
  HAT_CHECK(destinations.size() == header.entries.size(), path.string(), ": ", header.entries.size(),
            " tensors in the file but ", destinations.size(), " destinations");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  for (const SafetensorsEntry& e : header.entries) {
    auto it = destinations.find(e.name);
    HAT_CHECK(it != destinations.end(), path.string(), ": no destination for tensor '", e.name, "'");
    const Tensor& dst = it->second;
    HAT_CHECK(dst.defined() && dst.device() == Device::cpu && dst.dtype() == e.dtype && dst.shape() == e.shape,
              path.string(), ": tensor '", e.name, "' is ", safetensors_dtype(e.dtype), e.shape,
              " in the file but its destination is ", dst.describe());
    const Tensor dense = dst.is_contiguous() ? dst : Tensor::zeros(e.shape, e.dtype);
    in.seekg(static_cast<std::streamoff>(header.data_start + e.begin));
    in.read(static_cast<char*>(dense.raw()), static_cast<std::streamsize>(e.end - e.begin));
    HAT_CHECK(in, path.string(), ": truncated or unreadable while reading tensor '", e.name, "'");
    if (!dst.is_contiguous()) dst.copy_from(dense);
  }
}

SafetensorsContents read_safetensors(const fs::path& path) {
  const SafetensorsHeader header = read_safetensors_header(path);
  SafetensorsContents out;
  out.metadata = header.metadata;
  for (const SafetensorsEntry& e : header.entries) out.tensors[e.name] = Tensor::zeros(e.shape, e.dtype);
  read_safetensors_into(path, header, out.tensors);
  return out;
}

}  // namespace hat::checkpoint
