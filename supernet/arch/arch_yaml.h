// SubTransformer architectures as text: our canonical YAML (whose SHA-256 is the arch hash) and
// HAT's SubTransformer YAML (`encoder-embed-dim-subtransformer: 512`, ...); both load.
#pragma once

#include <string>

#include "supernet/arch/arch_config.h"
#include "supernet/arch/search_space.h"

namespace hat::arch {

// The canonical form: fixed key order, block style, one list entry per active layer,
// decoder ende_layers in our encoding (1, 2, 3). For example
//   encoder:
//     embed_dim: 512
//     layers: 6
//     ffn_dims: [3072, 3072, 3072, 3072, 3072, 3072]
//     self_heads: [4, 4, 8, 8, 8, 4]
//   decoder:
//     embed_dim: 512
//     layers: 2
//     ffn_dims: [3072, 3072]
//     self_heads: [8, 8]
//     ende_heads: [8, 8]
//     ende_layers: [1, 2]
// Throws if a per-layer list does not have one entry per layer.
std::string arch_to_yaml(const ArchConfig& arch);

// HAT's SubTransformer file, laid out as HAT's published configs (a HAT file whose lists have
// one entry per layer comes back byte for byte). Arbitrary attention in HAT's -1/1/2 encoding.
std::string arch_to_hat_yaml(const ArchConfig& arch);

// Parses either form (told apart by the keys). HAT's per-layer lists may be longer than the
// layer count (HAT samples some for every SuperTransformer layer): only the first N entries are
// kept. The canonical form is strict: exactly one entry per layer. Throws hat::Error naming
// `source_name` and the key for a missing key, a wrong type, a list shorter than the layer
// count, a non-positive value or an unknown key. Values are not checked against any space
// (see validate_arch).
ArchConfig arch_from_yaml(const std::string& text, const std::string& source_name);
// A file by path, or one of HAT's published configurations by file name (resolve_arch_file).
ArchConfig arch_from_file(const std::string& name_or_path);
// What an --arch or --reference option names within `space`: "largest", "smallest", or a
// file (arch_from_file). Not checked against the space.
ArchConfig arch_from_spec(const std::string& spec, const SearchSpace& space);

// 16 hex digits of the SHA-256 of arch_to_yaml(arch): stable across runs, machines and the
// file format the architecture was read from.
std::string arch_hash(const ArchConfig& arch);

// One line for logs: "enc 512x6 ffn[3072,...] heads[...] | dec 512x2 ffn[...] ...".
std::string arch_summary(const ArchConfig& arch);

}  // namespace hat::arch
