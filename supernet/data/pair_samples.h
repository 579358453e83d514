// Random sentence pairs of a split, as `hatdata info --samples N` shows them: a seeded shuffle,
// so the same seed shows the same pairs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "supernet/data/parallel_text.h"

namespace hat::data {

// min(count, pairs) distinct indices below `pairs`, in the seed's shuffled order.
std::vector<uint32_t> sample_pair_indices(size_t pairs, size_t count, uint64_t seed);

// Each sampled pair as "SPLIT #LINE\n  SRC: source\n  TGT: target\n" (LINE 1-based).
std::string format_pair_samples(const ParallelText& text, const std::string& split, const std::string& source_lang,
                                const std::string& target_lang, size_t count, uint64_t seed);

}  // namespace hat::data
