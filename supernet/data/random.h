// Portable deterministic randomness for the data pipeline: seeds mixed with splitmix64
// (devices/random.h), FNV-1a hashing and a Fisher-Yates shuffle whose result is the same with every standard library (std::shuffle's
// is not specified by the standard).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "devices/random.h"

namespace hat::data {

// Mixes a seed with a stream number (an epoch, a purpose) into an independent seed.
inline uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull);
  return splitmix64(state);
}

// 64-bit FNV-1a of a byte string.
inline uint64_t fnv1a64(std::string_view bytes, uint64_t h = 0xCBF29CE484222325ull) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64(state_); }
  // Uniform in [0, n), n > 0 (rejection of the top partial range: no modulo bias).
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
      const uint64_t x = next();
      if (x < limit) return x % n;
    }
  }

 private:
  uint64_t state_;
};

template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace hat::data
