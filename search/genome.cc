#include "search/genome.h"

#include "devices/error.h"
#include "devices/random.h"

namespace hat::search {
namespace {

int64_t largest(const std::vector<int64_t>& v) {
  int64_t m = v.front();
  for (int64_t x : v) m = std::max(m, x);
  return m;
}

}  // namespace

GenomeSpace::GenomeSpace(const arch::SearchSpace& space) : space_(space) {
  arch::validate_space(space_);
  encoder_layers_ = largest(space_.encoder_layer_choices);
  decoder_layers_ = largest(space_.decoder_layer_choices);
  const auto add = [&](const std::vector<int64_t>& choices, const std::string& name) {
    choices_.push_back(&choices);
    names_.push_back(name);
  };
  const auto per_layer = [&](const std::vector<int64_t>& choices, const std::string& name,
                             int64_t layers) {
    for (int64_t l = 0; l < layers; ++l) add(choices, name + " " + std::to_string(l));
  };
  add(space_.encoder_embed_choices, "encoder embed dim");
  add(space_.encoder_layer_choices, "encoder layers");
  per_layer(space_.encoder_ffn_choices, "encoder ffn dim", encoder_layers_);
  per_layer(space_.encoder_self_heads_choices, "encoder heads", encoder_layers_);
  add(space_.decoder_embed_choices, "decoder embed dim");
  add(space_.decoder_layer_choices, "decoder layers");
  per_layer(space_.decoder_ffn_choices, "decoder ffn dim", decoder_layers_);
  per_layer(space_.decoder_self_heads_choices, "decoder self heads", decoder_layers_);
  per_layer(space_.decoder_ende_heads_choices, "decoder cross heads", decoder_layers_);
  per_layer(space_.decoder_ende_layers_choices, "decoder attend-to layers", decoder_layers_);
}

Genome GenomeSpace::random(uint64_t& rng) const {
  Genome g(size());
  for (size_t i = 0; i < size(); ++i) g[i] = choices(i)[uniform_index(rng, choices(i).size())];
  return g;
}

arch::ArchConfig GenomeSpace::decode(const Genome& g) const {
  HAT_CHECK(g.size() == size(), "genome of ", g.size(), " genes for a space of ", size());
  const int64_t Le = encoder_layers_, Ld = decoder_layers_;
  arch::ArchConfig a;
  size_t i = 0;
  const auto take = [&](int64_t active, int64_t total) {
    std::vector<int64_t> v(g.begin() + static_cast<std::ptrdiff_t>(i),
                           g.begin() + static_cast<std::ptrdiff_t>(i + active));
    i += static_cast<size_t>(total);
    return v;
  };
  a.encoder_embed_dim = g[i++];
  a.encoder_layers = g[i++];
  a.encoder_ffn_dims = take(a.encoder_layers, Le);
  a.encoder_self_heads = take(a.encoder_layers, Le);
  a.decoder_embed_dim = g[i++];
  a.decoder_layers = g[i++];
  a.decoder_ffn_dims = take(a.decoder_layers, Ld);
  a.decoder_self_heads = take(a.decoder_layers, Ld);
  a.decoder_ende_heads = take(a.decoder_layers, Ld);
  a.decoder_ende_layers = take(a.decoder_layers, Ld);
  return a;
}

Genome GenomeSpace::encode(const arch::ArchConfig& a) const {
  arch::validate_arch(space_, a);
  Genome g;
  const auto put = [&](const std::vector<int64_t>& v, int64_t total) {
    for (int64_t l = 0; l < total; ++l)
      g.push_back(v[static_cast<size_t>(std::min<int64_t>(l, static_cast<int64_t>(v.size()) - 1))]);
  };
  g.push_back(a.encoder_embed_dim);
  g.push_back(a.encoder_layers);
  put(a.encoder_ffn_dims, encoder_layers_);
  put(a.encoder_self_heads, encoder_layers_);
  g.push_back(a.decoder_embed_dim);
  g.push_back(a.decoder_layers);
  put(a.decoder_ffn_dims, decoder_layers_);
  put(a.decoder_self_heads, decoder_layers_);
  put(a.decoder_ende_heads, decoder_layers_);
  put(a.decoder_ende_layers, decoder_layers_);
  return g;
}

Genome mutate(const GenomeSpace& space, const Genome& parent, double p, uint64_t& rng) {
  HAT_CHECK(parent.size() == space.size(), "mutate: genome of ", parent.size(), " genes for a space of ",
            space.size());
  Genome child = parent;
  for (size_t i = 0; i < child.size(); ++i)
    if (uniform_unit(rng) < p)
      child[i] = space.choices(i)[uniform_index(rng, space.choices(i).size())];
  return child;
}

Genome crossover(const Genome& a, const Genome& b, uint64_t& rng) {
  HAT_CHECK(a.size() == b.size(), "crossover: genomes of ", a.size(), " and ", b.size(), " genes");
  Genome child(a.size());
  for (size_t i = 0; i < a.size(); ++i) child[i] = uniform_unit(rng) < 0.5 ? a[i] : b[i];
  return child;
}

}  // namespace hat::search
