// Moving between the padded layout [B*T, d] (row b*T + t is token t of sentence b) and the
// packed layout [N, d] of the real tokens only (N = sum of lengths, sentences in order), for the
// row-wise work that padding would waste.
#pragma once

#include <cstdint>
#include <vector>

#include "devices/tensor.h"

namespace hat::model {

// packed[n] = padded[b*T + t] for the real tokens (t < lengths[b]) in order.
void pack_rows(const Tensor& padded, const std::vector<int32_t>& lengths, const Tensor& packed);
// padded[b*T + t] = packed[n] for the real tokens; rows past each length set to 0.
void unpack_rows(const Tensor& packed, const std::vector<int32_t>& lengths, const Tensor& padded);

}  // namespace hat::model
