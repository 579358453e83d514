// A small random German/English-looking parallel corpus in the IWSLT layout (SPLIT.de,
// SPLIT.en), for tests that need a real data directory without Debian's dictionary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "supernet/data/random.h"

namespace hat::test {

// One sentence of 3-8 words from a fixed 20-word vocabulary per language, ending with '.'.
std::string synthetic_sentence(data::Rng& rng, bool german);

// Writes DIR/SPLIT.de and DIR/SPLIT.en with `pairs` random pairs.
void write_synthetic_split(const std::filesystem::path& dir, const std::string& split, size_t pairs,
                           uint64_t seed);

}  // namespace hat::test
