#include "supernet/data/pair_samples.h"

#include <algorithm>

#include "supernet/data/random.h"

namespace hat::data {

std::vector<uint32_t> sample_pair_indices(size_t pairs, size_t count, uint64_t seed) {
  std::vector<uint32_t> order(pairs);
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  Rng rng(mix_seed(seed, 0));
  shuffle(order, rng);
  order.resize(std::min(count, order.size()));
  return order;
}

std::string format_pair_samples(const ParallelText& text, const std::string& split, const std::string& source_lang,
                                const std::string& target_lang, size_t count, uint64_t seed) {
  std::string out;
  for (const uint32_t i : sample_pair_indices(text.size(), count, seed))
    out += split + " #" + std::to_string(i + 1) + "\n  " + source_lang + ": " + text.source[i] + "\n  " +
           target_lang + ": " + text.target[i] + "\n";
  return out;
}

}  // namespace hat::data
