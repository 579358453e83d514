// Hugging Face safetensors files (what PyTorch's safetensors.torch.load_file reads): an 8-byte
// little-endian header length N, N bytes of JSON header padded with spaces to a multiple of 8,
// then every tensor's elements, little-endian and row-major, back to back in offset order.
//   {"__metadata__": {"k": "v"}, "NAME": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "devices/tensor.h"

namespace hat::checkpoint {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using SafetensorsMetadata = std::map<std::string, std::string>;

// "F32", "F64", "I32": the format's names for our element types.
std::string safetensors_dtype(DType dtype);

// Writes the tensors (CPU, any strides: their elements go out row-major) in the given order,
// atomically (temporary file, fsync, rename). Names must be unique, non-empty and not
// "__metadata__"; an empty metadata map writes no "__metadata__" entry.
void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const SafetensorsMetadata& metadata = {});

// One tensor as the header describes it; offsets are relative to the start of the data.
struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::f32;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in offset order
  SafetensorsMetadata metadata;
  uint64_t data_start = 0;  // 8 + N: where the data begins in the file
  const SafetensorsEntry* find(const std::string& name) const;  // null when absent
};

// Reads and validates the header alone (cheap for any file size): the length fits the file,
// the JSON is an object of tensor entries and string metadata, every dtype is one we hold,
// every shape matches its byte count, and the offsets tile the data exactly (sorted, no gap,
// no overlap, ending at the end of the file). Throws hat::Error naming the file and the fault.
SafetensorsHeader read_safetensors_header(const std::filesystem::path& path);

// Reads every tensor of a validated header into `destinations` (one per entry, same dtype and
// shape, any strides; no other names).
void read_safetensors_into(const std::filesystem::path& path, const SafetensorsHeader& header,
                           const std::map<std::string, Tensor>& destinations);

struct SafetensorsContents {
  std::map<std::string, Tensor> tensors;  // dense, owned
  SafetensorsMetadata metadata;
};

// The whole file, validated.
SafetensorsContents read_safetensors(const std::filesystem::path& path);

}  // namespace hat::checkpoint
