// Attention masks (causal, key padding) shared by masked softmax and attention.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace hat::ops {

// Which keys each query may attend to. Both masks keep a prefix of the keys, so a masked row
// is "the first n keys are valid, the rest get probability exactly 0".
struct AttentionMask {
  // Query i may attend to keys j <= i + (Tk - Tq): aligned at the end, so that incremental
  // decoding (Tq = 1, Tk = steps so far) sees every cached key; with Tq == Tk this is j <= i.
  bool causal = false;
  // Per batch row b, keys j >= key_lengths[b] are padding. Empty = no padding.
  std::vector<int32_t> key_lengths;

  bool empty() const { return !causal && key_lengths.empty(); }
};

// Throws hat::Error (naming `op` and `shapes`) unless the mask fits a batch of `batch` rows with
// `tq` queries and `tk` keys and leaves every query at least one key: key_lengths has one entry
// per batch row, each in [1, tk]; a causal mask needs tq <= tk.
void check_mask(const AttentionMask& mask, int64_t batch, int64_t tq, int64_t tk, const char* op,
                const std::string& shapes);

// Number of keys query i of batch row b may attend to (keys [0, n) are valid).
inline int64_t valid_keys(const AttentionMask& mask, int64_t b, int64_t i, int64_t tq,
                          int64_t tk) {
  int64_t n = tk;
  if (mask.causal) n = std::min<int64_t>(n, i + (tk - tq) + 1);
  if (!mask.key_lengths.empty()) n = std::min<int64_t>(n, mask.key_lengths[b]);
  return n;
}

}  // namespace hat::ops
