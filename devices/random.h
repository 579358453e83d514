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

}  // namespace hat
