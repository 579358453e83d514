// The fixed ids of the special tokens in every vocabulary, as fairseq (and so HAT) numbers them.
// padding_idx = 1 matters: learned/sinusoidal positions start at padding_idx + 1.
#pragma once

#include <cstdint>

namespace hat::data {

inline constexpr int32_t kBosId = 0;  // <s>: beginning of sentence (unused by translation)
inline constexpr int32_t kPadId = 1;  // <pad>
inline constexpr int32_t kEosId = 2;  // </s>: ends every sentence; the decoder's first input
inline constexpr int32_t kUnkId = 3;  // <unk>
inline constexpr int32_t kFirstPieceId = 4;

}  // namespace hat::data
