// Padded rows of token ids for a batch.
#include "supernet/data/collate.h"

#include <algorithm>

#include "devices/error.h"
#include "supernet/data/special_tokens.h"

namespace hat::data {

PaddedBatch collate(const TokenColumn& source, const TokenColumn& target, std::span<const uint32_t> batch,
                    bool left_pad_source) {
  HAT_CHECK(source.size() == target.size(), "collate: ", source.size(), " source but ", target.size(),
            " target sentences");
  HAT_CHECK(!batch.empty(), "collate: empty batch");
  PaddedBatch out;
  out.rows = batch.size();
  out.indices.assign(batch.begin(), batch.end());
  for (uint32_t i : batch) {
    HAT_CHECK(i < source.size(), "collate: sentence ", i, " is outside the split (", source.size(), " pairs)");
    out.source_len = std::max<size_t>(out.source_len, source.length(i));
    out.target_len = std::max<size_t>(out.target_len, target.length(i));
  }
  out.source.assign(out.rows * out.source_len, kPadId);
  out.target_input.assign(out.rows * out.target_len, kPadId);
  out.target_output.assign(out.rows * out.target_len, kPadId);
  for (size_t r = 0; r < out.rows; ++r) {
    const auto src = source.sentence(batch[r]);
    const auto tgt = target.sentence(batch[r]);
    int32_t* row = out.source.data() + r * out.source_len + (left_pad_source ? out.source_len - src.size() : 0);
    std::copy(src.begin(), src.end(), row);
    // Teacher forcing: the decoder reads eos then the target shifted right, and predicts the target.
    int32_t* in = out.target_input.data() + r * out.target_len;
    in[0] = kEosId;
    std::copy(tgt.begin(), tgt.end() - 1, in + 1);
    std::copy(tgt.begin(), tgt.end(), out.target_output.data() + r * out.target_len);
    out.source_tokens += src.size();
    out.target_tokens += tgt.size();
  }
  return out;
}

}  // namespace hat::data
