// splitmix64 (Steele, Lea, Flood 2014): the one 64-bit mixer behind every seeded stream in the
// project (dropout masks, data shuffles), portable and identical on every standard library.
#pragma once

#include <cstdint>

namespace hat {

inline constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

// splitmix64's output function: a bijective, well-mixed 64-bit map.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One step of the splitmix64 sequence from `state`.
inline uint64_t splitmix64(uint64_t& state) { return mix64(state += kGoldenGamma); }

// Uniform index in [0, n) (n >= 1) by rejection (no modulo bias), from the stream `state`.
inline uint64_t uniform_index(uint64_t& state, uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // accept x < limit
  uint64_t x = splitmix64(state);
  while (x >= limit) x = splitmix64(state);
  return x % n;
}

// Uniform double in [0, 1) from the top 53 bits.
inline double uniform_unit(uint64_t& state) {
  return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
}

}  // namespace hat
