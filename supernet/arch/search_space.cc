// Search spaces: validation of a space and of an architecture against it, uniform sampling
// (HAT's sample_configs on splitmix64), and the largest and smallest SubTransformers.
#include "supernet/arch/search_space.h"

#include <algorithm>

#include "devices/error.h"
#include "devices/random.h"

namespace hat::arch {

namespace {

std::string allowed_text(const std::vector<int64_t>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + std::to_string(choices[i]);
  return out;
}

bool contains(const std::vector<int64_t>& choices, int64_t v) {
  return std::find(choices.begin(), choices.end(), v) != choices.end();
}

// "<what> <value> is not in the space '<name>': allowed a, b, c"
void check_choice(const SearchSpace& s, const std::string& what, int64_t v,
                  const std::vector<int64_t>& choices) {
  HAT_CHECK(contains(choices, v), what, " ", v, " is not in the space '", s.name, "': allowed ",
            allowed_text(choices));
}

void check_layers(const SearchSpace& s, const char* part, const char* field,
                  const std::vector<int64_t>& values, int64_t layers,
                  const std::vector<int64_t>& choices) {
  HAT_CHECK(static_cast<int64_t>(values.size()) == layers, "arch: ", part, " ", field, " has ",
            values.size(), " entries for ", layers, " layers (space '", s.name, "')");
  for (int64_t i = 0; i < layers; ++i)
    check_choice(s, str(part, " layer ", i + 1, " of ", layers, ": ", field),
                 values[static_cast<size_t>(i)], choices);
}

// Choices non-empty, positive, distinct and at most `max` (0: no maximum).
void check_choices(const SearchSpace& s, const char* field, const std::vector<int64_t>& choices,
                   int64_t max) {
  HAT_CHECK(!choices.empty(), "search space '", s.name, "': ", field, " has no choices");
  for (size_t i = 0; i < choices.size(); ++i) {
    const int64_t v = choices[i];
    HAT_CHECK(v > 0, "search space '", s.name, "': ", field, " choice ", v, " must be positive");
    HAT_CHECK(max == 0 || v <= max, "search space '", s.name, "': ", field, " choice ", v,
              " exceeds the SuperTransformer's ", max);
    HAT_CHECK(std::find(choices.begin(), choices.begin() + static_cast<long>(i), v) ==
                  choices.begin() + static_cast<long>(i),
              "search space '", s.name, "': ", field, " lists ", v, " twice");
  }
}

void check_heads(const SearchSpace& s, const char* field, const std::vector<int64_t>& choices) {
  check_choices(s, field, choices, 0);
  for (int64_t h : choices)
    HAT_CHECK(s.super_dims.qkv_dim % h == 0, "search space '", s.name, "': ", field, " choice ", h,
              " does not divide qkv_dim ", s.super_dims.qkv_dim);
}

int64_t pick(uint64_t& state, const std::vector<int64_t>& choices) {
  HAT_CHECK(!choices.empty(), "sample_arch: a choice list is empty");
  return choices[uniform_index(state, choices.size())];
}

int64_t max_of(const std::vector<int64_t>& v) { return *std::max_element(v.begin(), v.end()); }
int64_t min_of(const std::vector<int64_t>& v) { return *std::min_element(v.begin(), v.end()); }

ArchConfig extreme_arch(const SearchSpace& s, int64_t (*of)(const std::vector<int64_t>&)) {
  validate_space(s);
  ArchConfig a;
  a.encoder_embed_dim = of(s.encoder_embed_choices);
  a.decoder_embed_dim = of(s.decoder_embed_choices);
  a.encoder_layers = of(s.encoder_layer_choices);
  a.decoder_layers = of(s.decoder_layer_choices);
  const auto el = static_cast<size_t>(a.encoder_layers), dl = static_cast<size_t>(a.decoder_layers);
  a.encoder_ffn_dims.assign(el, of(s.encoder_ffn_choices));
  a.encoder_self_heads.assign(el, of(s.encoder_self_heads_choices));
  a.decoder_ffn_dims.assign(dl, of(s.decoder_ffn_choices));
  a.decoder_self_heads.assign(dl, of(s.decoder_self_heads_choices));
  a.decoder_ende_heads.assign(dl, of(s.decoder_ende_heads_choices));
  a.decoder_ende_layers.assign(dl, of(s.decoder_ende_layers_choices));
  return a;
}

}  // namespace

void validate_space(const SearchSpace& s) {
  const ModelDims& d = s.super_dims;
  auto positive = [&](const char* field, int64_t v) {
    HAT_CHECK(v > 0, "search space '", s.name, "': SuperTransformer ", field,
              " must be positive, got ", v);
  };
  positive("encoder embed dim", d.encoder_embed_max);
  positive("decoder embed dim", d.decoder_embed_max);
  positive("encoder ffn dim", d.encoder_ffn_max);
  positive("decoder ffn dim", d.decoder_ffn_max);
  positive("encoder layers", d.encoder_layers_max);
  positive("decoder layers", d.decoder_layers_max);
  positive("qkv dim", d.qkv_dim);
  positive("max positions", d.max_positions);
  HAT_CHECK(!d.share_all_embeddings || d.encoder_embed_max == d.decoder_embed_max, "search space '",
            s.name, "': share-all-embeddings needs equal encoder and decoder embed dims, got ",
            d.encoder_embed_max, " and ", d.decoder_embed_max);
  check_choices(s, "encoder embed dim", s.encoder_embed_choices, d.encoder_embed_max);
  check_choices(s, "decoder embed dim", s.decoder_embed_choices, d.decoder_embed_max);
  check_choices(s, "encoder ffn dim", s.encoder_ffn_choices, d.encoder_ffn_max);
  check_choices(s, "decoder ffn dim", s.decoder_ffn_choices, d.decoder_ffn_max);
  check_choices(s, "encoder layers", s.encoder_layer_choices, d.encoder_layers_max);
  check_choices(s, "decoder layers", s.decoder_layer_choices, d.decoder_layers_max);
  check_heads(s, "encoder self heads", s.encoder_self_heads_choices);
  check_heads(s, "decoder self heads", s.decoder_self_heads_choices);
  check_heads(s, "decoder ende heads", s.decoder_ende_heads_choices);
  const int64_t fewest_encoder_layers = min_of(s.encoder_layer_choices);
  check_choices(s, "decoder attend-to encoder layers", s.decoder_ende_layers_choices,
                fewest_encoder_layers);
}

void validate_arch(const SearchSpace& s, const ArchConfig& a) {
  check_choice(s, "encoder embed dim", a.encoder_embed_dim, s.encoder_embed_choices);
  check_choice(s, "decoder embed dim", a.decoder_embed_dim, s.decoder_embed_choices);
  check_choice(s, "encoder layer count", a.encoder_layers, s.encoder_layer_choices);
  check_choice(s, "decoder layer count", a.decoder_layers, s.decoder_layer_choices);
  check_layers(s, "encoder", "ffn dim", a.encoder_ffn_dims, a.encoder_layers,
               s.encoder_ffn_choices);
  check_layers(s, "encoder", "self-attention heads", a.encoder_self_heads, a.encoder_layers,
               s.encoder_self_heads_choices);
  check_layers(s, "decoder", "ffn dim", a.decoder_ffn_dims, a.decoder_layers,
               s.decoder_ffn_choices);
  check_layers(s, "decoder", "self-attention heads", a.decoder_self_heads, a.decoder_layers,
               s.decoder_self_heads_choices);
  check_layers(s, "decoder", "encoder-decoder attention heads", a.decoder_ende_heads,
               a.decoder_layers, s.decoder_ende_heads_choices);
  check_layers(s, "decoder", "attend-to encoder layers", a.decoder_ende_layers, a.decoder_layers,
               s.decoder_ende_layers_choices);
  for (int64_t i = 0; i < a.decoder_layers; ++i) {
    const int64_t k = a.decoder_ende_layers[static_cast<size_t>(i)];
    HAT_CHECK(k <= a.encoder_layers, "decoder layer ", i + 1, " of ", a.decoder_layers,
              ": attends to the last ", k, " encoder layers, but the architecture has ",
              a.encoder_layers, " (space '", s.name, "')");
  }
}

ArchConfig sample_arch(const SearchSpace& s, uint64_t seed) {
  // A stream of its own: the seed (HAT: the update number) mixed with a fixed purpose tag.
  uint64_t state = mix64(seed ^ 0x5EA4C4A7C4F16ull);
  ArchConfig a;
  // HAT's order (utils.sample_configs): the embed dims, then the layer counts, then per encoder
  // layer (ffn, heads), per decoder layer (ffn, self heads, ende heads), then attend-to layers.
  // Unlike HAT, attend-to is drawn for the active decoder layers only.
  a.encoder_embed_dim = pick(state, s.encoder_embed_choices);
  a.decoder_embed_dim = pick(state, s.decoder_embed_choices);
  a.encoder_layers = pick(state, s.encoder_layer_choices);
  a.decoder_layers = pick(state, s.decoder_layer_choices);
  for (int64_t i = 0; i < a.encoder_layers; ++i) {
    a.encoder_ffn_dims.push_back(pick(state, s.encoder_ffn_choices));
    a.encoder_self_heads.push_back(pick(state, s.encoder_self_heads_choices));
  }
  for (int64_t i = 0; i < a.decoder_layers; ++i) {
    a.decoder_ffn_dims.push_back(pick(state, s.decoder_ffn_choices));
    a.decoder_self_heads.push_back(pick(state, s.decoder_self_heads_choices));
    a.decoder_ende_heads.push_back(pick(state, s.decoder_ende_heads_choices));
  }
  for (int64_t i = 0; i < a.decoder_layers; ++i)
    a.decoder_ende_layers.push_back(pick(state, s.decoder_ende_layers_choices));
  return a;
}

ArchConfig largest_arch(const SearchSpace& s) { return extreme_arch(s, &max_of); }
ArchConfig smallest_arch(const SearchSpace& s) { return extreme_arch(s, &min_of); }

}  // namespace hat::arch
