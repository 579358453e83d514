// SubTransformer architectures as text: canonical YAML, HAT's YAML, parsing of both, the hash.
#include "supernet/arch/arch_yaml.h"

#include <vector>

#include "devices/error.h"
#include "supernet/arch/arch_file.h"
#include "supernet/arch/yaml_fields.h"
#include "util/sha256.h"

namespace hat::arch {

namespace {

std::string list_text(const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "]";
}

void check_list_sizes(const ArchConfig& a) {
  auto check = [](const char* name, const std::vector<int64_t>& list, int64_t layers) {
    HAT_CHECK(static_cast<int64_t>(list.size()) == layers, "arch: ", name, " has ", list.size(),
              " entries for ", layers, " layers");
  };
  check("encoder ffn_dims", a.encoder_ffn_dims, a.encoder_layers);
  check("encoder self_heads", a.encoder_self_heads, a.encoder_layers);
  check("decoder ffn_dims", a.decoder_ffn_dims, a.decoder_layers);
  check("decoder self_heads", a.decoder_self_heads, a.decoder_layers);
  check("decoder ende_heads", a.decoder_ende_heads, a.decoder_layers);
  check("decoder ende_layers", a.decoder_ende_layers, a.decoder_layers);
}

int64_t positive_int(YamlMap& map, const std::string& key) {
  const int64_t v = map.get_int(key);
  HAT_CHECK(v > 0, map.where(key), ": must be positive, got ", v);
  return v;
}

// The first `layers` entries of a per-layer list, each positive; `exact` forbids extra entries.
std::vector<int64_t> layer_list(YamlMap& map, const std::string& key, int64_t layers, bool exact) {
  std::vector<int64_t> list = map.get_int_list(key);
  const int64_t n = static_cast<int64_t>(list.size());
  HAT_CHECK(n >= layers, map.where(key), ": has ", n, " entries, one per layer needs ", layers);
  HAT_CHECK(!exact || n == layers, map.where(key), ": has ", n, " entries, but there are ", layers,
            " layers (one entry per layer)");
  list.resize(static_cast<size_t>(layers));
  for (size_t i = 0; i < list.size(); ++i)
    HAT_CHECK(list[i] > 0, map.where(key), ": entry ", i + 1, " must be positive, got ", list[i]);
  return list;
}

ArchConfig parse_canonical(YamlMap& root) {
  root.check_known({"encoder", "decoder"});
  YamlMap enc = root.get_map("encoder");
  enc.check_known({"embed_dim", "layers", "ffn_dims", "self_heads"});
  ArchConfig a;
  a.encoder_embed_dim = positive_int(enc, "embed_dim");
  a.encoder_layers = positive_int(enc, "layers");
  a.encoder_ffn_dims = layer_list(enc, "ffn_dims", a.encoder_layers, true);
  a.encoder_self_heads = layer_list(enc, "self_heads", a.encoder_layers, true);
  YamlMap dec = root.get_map("decoder");
  dec.check_known({"embed_dim", "layers", "ffn_dims", "self_heads", "ende_heads", "ende_layers"});
  a.decoder_embed_dim = positive_int(dec, "embed_dim");
  a.decoder_layers = positive_int(dec, "layers");
  a.decoder_ffn_dims = layer_list(dec, "ffn_dims", a.decoder_layers, true);
  a.decoder_self_heads = layer_list(dec, "self_heads", a.decoder_layers, true);
  a.decoder_ende_heads = layer_list(dec, "ende_heads", a.decoder_layers, true);
  a.decoder_ende_layers = layer_list(dec, "ende_layers", a.decoder_layers, true);
  return a;
}

const char* const kHatKeys[] = {
    "encoder-embed-dim-subtransformer",
    "decoder-embed-dim-subtransformer",
    "encoder-ffn-embed-dim-all-subtransformer",
    "decoder-ffn-embed-dim-all-subtransformer",
    "encoder-layer-num-subtransformer",
    "decoder-layer-num-subtransformer",
    "encoder-self-attention-heads-all-subtransformer",
    "decoder-self-attention-heads-all-subtransformer",
    "decoder-ende-attention-heads-all-subtransformer",
    "decoder-arbitrary-ende-attn-all-subtransformer",
};

ArchConfig parse_hat(YamlMap& root) {
  root.check_known(std::vector<std::string>(std::begin(kHatKeys), std::end(kHatKeys)));
  ArchConfig a;
  a.encoder_embed_dim = positive_int(root, "encoder-embed-dim-subtransformer");
  a.decoder_embed_dim = positive_int(root, "decoder-embed-dim-subtransformer");
  a.encoder_layers = positive_int(root, "encoder-layer-num-subtransformer");
  a.decoder_layers = positive_int(root, "decoder-layer-num-subtransformer");
  const int64_t el = a.encoder_layers, dl = a.decoder_layers;
  a.encoder_ffn_dims = layer_list(root, "encoder-ffn-embed-dim-all-subtransformer", el, false);
  a.encoder_self_heads =
      layer_list(root, "encoder-self-attention-heads-all-subtransformer", el, false);
  a.decoder_ffn_dims = layer_list(root, "decoder-ffn-embed-dim-all-subtransformer", dl, false);
  a.decoder_self_heads =
      layer_list(root, "decoder-self-attention-heads-all-subtransformer", dl, false);
  a.decoder_ende_heads =
      layer_list(root, "decoder-ende-attention-heads-all-subtransformer", dl, false);
  // HAT's -1 (last encoder layer), 1 (last two), 2 (last three): read all, keep the first N.
  const std::string key = "decoder-arbitrary-ende-attn-all-subtransformer";
  std::vector<int64_t> hat_values = root.get_int_list(key);
  HAT_CHECK(static_cast<int64_t>(hat_values.size()) >= dl, root.where(key), ": has ",
            hat_values.size(), " entries, one per layer needs ", dl);
  for (int64_t i = 0; i < dl; ++i) {
    const int64_t v = hat_values[static_cast<size_t>(i)];
    HAT_CHECK(v == -1 || v >= 1, root.where(key), ": entry ", i + 1, " is ", v,
              ", expected -1 (last encoder layer), 1 (last two) or 2 (last three)");
    a.decoder_ende_layers.push_back(ende_layers_from_hat(v));
  }
  return a;
}

}  // namespace

std::string arch_to_yaml(const ArchConfig& a) {
  check_list_sizes(a);
  std::string out;
  out += "encoder:\n";
  out += "  embed_dim: " + std::to_string(a.encoder_embed_dim) + "\n";
  out += "  layers: " + std::to_string(a.encoder_layers) + "\n";
  out += "  ffn_dims: " + list_text(a.encoder_ffn_dims) + "\n";
  out += "  self_heads: " + list_text(a.encoder_self_heads) + "\n";
  out += "decoder:\n";
  out += "  embed_dim: " + std::to_string(a.decoder_embed_dim) + "\n";
  out += "  layers: " + std::to_string(a.decoder_layers) + "\n";
  out += "  ffn_dims: " + list_text(a.decoder_ffn_dims) + "\n";
  out += "  self_heads: " + list_text(a.decoder_self_heads) + "\n";
  out += "  ende_heads: " + list_text(a.decoder_ende_heads) + "\n";
  out += "  ende_layers: " + list_text(a.decoder_ende_layers) + "\n";
  return out;
}

std::string arch_to_hat_yaml(const ArchConfig& a) {
  check_list_sizes(a);
  std::vector<int64_t> ende_hat;
  for (int64_t layers : a.decoder_ende_layers) {
    HAT_CHECK(layers >= 1, "arch: decoder ende_layers ", layers,
              " has no HAT encoding (1, 2, 3, ...)");
    ende_hat.push_back(ende_layers_to_hat(layers));
  }
  std::string out;
  out += "encoder-embed-dim-subtransformer: " + std::to_string(a.encoder_embed_dim) + "\n";
  out += "decoder-embed-dim-subtransformer: " + std::to_string(a.decoder_embed_dim) + "\n\n";
  out += "encoder-ffn-embed-dim-all-subtransformer: " + list_text(a.encoder_ffn_dims) + "\n";
  out += "decoder-ffn-embed-dim-all-subtransformer: " + list_text(a.decoder_ffn_dims) + "\n\n";
  out += "encoder-layer-num-subtransformer: " + std::to_string(a.encoder_layers) + "\n";
  out += "decoder-layer-num-subtransformer: " + std::to_string(a.decoder_layers) + "\n\n";
  out +=
      "encoder-self-attention-heads-all-subtransformer: " + list_text(a.encoder_self_heads) + "\n";
  out +=
      "decoder-self-attention-heads-all-subtransformer: " + list_text(a.decoder_self_heads) + "\n";
  out += "decoder-ende-attention-heads-all-subtransformer: " + list_text(a.decoder_ende_heads) +
         "\n\n";
  out +=
      "# for arbitrary encoder decoder attention. -1 means attending to last one encoder layer\n";
  out += "# 1 means last two encoder layers, 2 means last three encoder layers\n";
  out += "decoder-arbitrary-ende-attn-all-subtransformer: " + list_text(ende_hat) + "\n";
  return out;
}

ArchConfig arch_from_yaml(const std::string& text, const std::string& source_name) {
  YamlMap root(text, source_name);
  bool canonical = false, hat = false;
  for (const auto& key : root.keys()) {
    if (key == "encoder" || key == "decoder") canonical = true;
    if (key.ends_with("-subtransformer")) hat = true;
  }
  HAT_CHECK(!(canonical && hat), source_name,
            ": mixes the canonical keys (encoder:, decoder:) with HAT's *-subtransformer keys");
  HAT_CHECK(canonical || hat, source_name,
            ": not an architecture: expected the keys encoder: and decoder: (canonical form) "
            "or HAT's encoder-embed-dim-subtransformer, ...");
  return canonical ? parse_canonical(root) : parse_hat(root);
}

ArchConfig arch_from_file(const std::string& name_or_path) {
  const std::string path = resolve_arch_file(name_or_path);
  return arch_from_yaml(read_config_file(path, "arch file"), "arch file '" + path + "'");
}

ArchConfig arch_from_spec(const std::string& spec, const SearchSpace& space) {
  if (spec == "largest") return largest_arch(space);
  if (spec == "smallest") return smallest_arch(space);
  return arch_from_file(spec);
}

std::string arch_hash(const ArchConfig& arch) {
  return util::sha256_hex(arch_to_yaml(arch)).substr(0, 16);
}

std::string arch_summary(const ArchConfig& a) {
  auto compact = [](const std::vector<int64_t>& v) {
    std::string s = list_text(v);
    std::string out;
    for (char c : s)
      if (c != ' ') out += c;
    return out;
  };
  return str("enc ", a.encoder_embed_dim, "x", a.encoder_layers, " ffn",
             compact(a.encoder_ffn_dims), " heads", compact(a.encoder_self_heads), " | dec ",
             a.decoder_embed_dim, "x", a.decoder_layers, " ffn", compact(a.decoder_ffn_dims),
             " heads", compact(a.decoder_self_heads), " ende", compact(a.decoder_ende_heads),
             " attend", compact(a.decoder_ende_layers));
}

}  // namespace hat::arch
