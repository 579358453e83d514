// A search space as HAT's YAML keys: reading, the canonical text and the hash.
#include "supernet/arch/space_yaml.h"

#include <algorithm>

#include "devices/error.h"
#include "util/sha256.h"

namespace hat::arch {

namespace {

int64_t positive_int(YamlMap& map, const std::string& key) {
  const int64_t v = map.get_int(key);
  HAT_CHECK(v > 0, map.where(key), ": must be positive, got ", v);
  return v;
}

std::vector<int64_t> choice_list(YamlMap& map, const std::string& key) {
  std::vector<int64_t> list = map.get_int_list(key);
  HAT_CHECK(!list.empty(), map.where(key), ": needs at least one choice");
  return list;
}

void check_heads_bound(YamlMap& map, const std::string& max_key, int64_t max,
                       const std::string& choice_key, const std::vector<int64_t>& choices) {
  for (int64_t h : choices)
    HAT_CHECK(h <= max, map.where(choice_key), ": choice ", h, " exceeds ", max_key, " ", max);
}

std::string list_text(const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "]";
}

int64_t max_of(const std::vector<int64_t>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

}  // namespace

const std::vector<std::string>& space_keys() {
  static const std::vector<std::string> keys = {"encoder-embed-dim",
                                                "decoder-embed-dim",
                                                "encoder-ffn-embed-dim",
                                                "decoder-ffn-embed-dim",
                                                "encoder-layers",
                                                "decoder-layers",
                                                "encoder-attention-heads",
                                                "decoder-attention-heads",
                                                "qkv-dim",
                                                "share-all-embeddings",
                                                "encoder-embed-choice",
                                                "decoder-embed-choice",
                                                "encoder-ffn-embed-dim-choice",
                                                "decoder-ffn-embed-dim-choice",
                                                "encoder-layer-num-choice",
                                                "decoder-layer-num-choice",
                                                "encoder-self-attention-heads-choice",
                                                "decoder-self-attention-heads-choice",
                                                "decoder-ende-attention-heads-choice",
                                                "decoder-arbitrary-ende-attn-choice"};
  return keys;
}

void read_space_keys(YamlMap& map, SearchSpace& s) {
  ModelDims& d = s.super_dims;
  d.encoder_embed_max = positive_int(map, "encoder-embed-dim");
  d.decoder_embed_max = positive_int(map, "decoder-embed-dim");
  d.encoder_ffn_max = positive_int(map, "encoder-ffn-embed-dim");
  d.decoder_ffn_max = positive_int(map, "decoder-ffn-embed-dim");
  d.encoder_layers_max = positive_int(map, "encoder-layers");
  d.decoder_layers_max = positive_int(map, "decoder-layers");
  d.qkv_dim = positive_int(map, "qkv-dim");
  d.share_all_embeddings = map.has("share-all-embeddings") && map.get_bool("share-all-embeddings");

  s.encoder_embed_choices = choice_list(map, "encoder-embed-choice");
  s.decoder_embed_choices = choice_list(map, "decoder-embed-choice");
  s.encoder_ffn_choices = choice_list(map, "encoder-ffn-embed-dim-choice");
  s.decoder_ffn_choices = choice_list(map, "decoder-ffn-embed-dim-choice");
  s.encoder_layer_choices = choice_list(map, "encoder-layer-num-choice");
  s.decoder_layer_choices = choice_list(map, "decoder-layer-num-choice");
  s.encoder_self_heads_choices = choice_list(map, "encoder-self-attention-heads-choice");
  s.decoder_self_heads_choices = choice_list(map, "decoder-self-attention-heads-choice");
  s.decoder_ende_heads_choices = choice_list(map, "decoder-ende-attention-heads-choice");

  // HAT's encoding: -1 (last encoder layer), 1 (last two), 2 (last three).
  const std::string ende_key = "decoder-arbitrary-ende-attn-choice";
  s.decoder_ende_layers_choices.clear();
  for (int64_t v : choice_list(map, ende_key)) {
    HAT_CHECK(v == -1 || v >= 1, map.where(ende_key), ": choice ", v,
              " is not -1 (last encoder layer), 1 (last two) or 2 (last three)");
    s.decoder_ende_layers_choices.push_back(ende_layers_from_hat(v));
  }

  // Head counts do not slice weights (qkv-dim is fixed); the SuperTransformer's counts only
  // bound the choices.
  if (map.has("encoder-attention-heads")) {
    const int64_t max = positive_int(map, "encoder-attention-heads");
    check_heads_bound(map, "encoder-attention-heads", max, "encoder-self-attention-heads-choice",
                      s.encoder_self_heads_choices);
  }
  if (map.has("decoder-attention-heads")) {
    const int64_t max = positive_int(map, "decoder-attention-heads");
    check_heads_bound(map, "decoder-attention-heads", max, "decoder-self-attention-heads-choice",
                      s.decoder_self_heads_choices);
    check_heads_bound(map, "decoder-attention-heads", max, "decoder-ende-attention-heads-choice",
                      s.decoder_ende_heads_choices);
  }
}

std::string space_to_hat_yaml(const SearchSpace& s) {
  const ModelDims& d = s.super_dims;
  std::vector<int64_t> ende_hat;
  for (int64_t layers : s.decoder_ende_layers_choices)
    ende_hat.push_back(ende_layers_to_hat(layers));
  const int64_t decoder_heads =
      std::max(max_of(s.decoder_self_heads_choices), max_of(s.decoder_ende_heads_choices));
  auto line = [](const char* key, const std::string& value) { return str(key, ": ", value, "\n"); };
  auto num = [](int64_t v) { return std::to_string(v); };
  std::string out;
  out += "# SuperTransformer configs\n";
  out += line("share-all-embeddings", d.share_all_embeddings ? "True" : "False");
  out += line("encoder-embed-dim", num(d.encoder_embed_max));
  out += line("decoder-embed-dim", num(d.decoder_embed_max)) + "\n";
  out += line("encoder-ffn-embed-dim", num(d.encoder_ffn_max));
  out += line("decoder-ffn-embed-dim", num(d.decoder_ffn_max)) + "\n";
  out += line("encoder-layers", num(d.encoder_layers_max));
  out += line("decoder-layers", num(d.decoder_layers_max)) + "\n";
  out += line("encoder-attention-heads", num(max_of(s.encoder_self_heads_choices)));
  out += line("decoder-attention-heads", num(decoder_heads)) + "\n";
  out += line("qkv-dim", num(d.qkv_dim)) + "\n";
  out += "# SubTransformers search space\n";
  out += line("encoder-embed-choice", list_text(s.encoder_embed_choices));
  out += line("decoder-embed-choice", list_text(s.decoder_embed_choices)) + "\n";
  out += line("encoder-ffn-embed-dim-choice", list_text(s.encoder_ffn_choices));
  out += line("decoder-ffn-embed-dim-choice", list_text(s.decoder_ffn_choices)) + "\n";
  out += line("encoder-layer-num-choice", list_text(s.encoder_layer_choices));
  out += line("decoder-layer-num-choice", list_text(s.decoder_layer_choices)) + "\n";
  out += line("encoder-self-attention-heads-choice", list_text(s.encoder_self_heads_choices));
  out += line("decoder-self-attention-heads-choice", list_text(s.decoder_self_heads_choices));
  out +=
      line("decoder-ende-attention-heads-choice", list_text(s.decoder_ende_heads_choices)) + "\n";
  out += "# -1: attend to the last encoder layer, 1: the last two, 2: the last three\n";
  out += line("decoder-arbitrary-ende-attn-choice", list_text(ende_hat));
  return out;
}

std::string space_hash(const SearchSpace& s) {
  const std::string text =
      space_to_hat_yaml(s) + str("# max-positions ", s.super_dims.max_positions, ", padding-idx ",
                                 s.super_dims.padding_idx, "\n");
  return util::sha256_hex(text).substr(0, 16);
}

}  // namespace hat::arch
