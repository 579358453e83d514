// Validation of attention masks against the shapes they are applied to.
#include "supernet/ops/attention_mask.h"

#include "devices/error.h"

namespace hat::ops {

void check_mask(const AttentionMask& mask, int64_t batch, int64_t tq, int64_t tk, const char* op,
                const std::string& shapes) {
  if (batch == 0 || tq == 0) return;  // no query, nothing to normalise
  HAT_CHECK(tk > 0, op, ": no keys (Tk = 0) for ", tq, " queries: ", shapes);
  if (!mask.key_lengths.empty()) {
    HAT_CHECK(static_cast<int64_t>(mask.key_lengths.size()) == batch, op, ": key_lengths has ",
              mask.key_lengths.size(), " entries for a batch of ", batch, ": ", shapes);
    for (int64_t b = 0; b < batch; ++b)
      HAT_CHECK(mask.key_lengths[b] >= 1 && mask.key_lengths[b] <= tk, op, ": key_lengths[", b,
                "] = ", mask.key_lengths[b], " is outside [1, ", tk, "] (Tk = ", tk,
                "; a row without keys has no softmax): ", shapes);
  }
  HAT_CHECK(!mask.causal || tq <= tk, op, ": a causal mask with Tq = ", tq, " > Tk = ", tk,
            " leaves the first queries without keys: ", shapes);
}

}  // namespace hat::ops
