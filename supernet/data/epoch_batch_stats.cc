#include "supernet/data/epoch_batch_stats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "supernet/data/collate.h"

namespace hat::data {

EpochBatchStats plan_epoch_batches(const TokenSplit& data, const TokenBatcher& batcher, uint64_t epoch) {
  const auto start = std::chrono::steady_clock::now();
  BatchIterator it(batcher, {epoch, 0});
  EpochBatchStats stats;
  stats.batches = it.epoch_size();
  for (size_t k = 0; k < stats.batches; ++k) {
    const PaddedBatch batch = collate(data.source, data.target, it.next());
    stats.padded_tokens += batch.rows * (batch.source_len + batch.target_len);
    stats.real_tokens += batch.source_tokens + batch.target_tokens;
    stats.largest_cost =
        std::max<uint64_t>(stats.largest_cost, batch.rows * std::max(batch.source_len, batch.target_len));
    stats.sentences += batch.rows;
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

std::string format_epoch_batch_stats(uint64_t epoch, const EpochBatchStats& s, uint64_t max_tokens) {
  char line[320];
  std::snprintf(line, sizeof line,
                "epoch %llu: %zu batches, %llu sentences, %.1f rows/batch, largest cost %llu <= %llu, "
                "padding %.1f%%, planned+collated in %.1f ms",
                static_cast<unsigned long long>(epoch), s.batches, static_cast<unsigned long long>(s.sentences),
                double(s.sentences) / double(s.batches), static_cast<unsigned long long>(s.largest_cost),
                static_cast<unsigned long long>(max_tokens),
                100.0 * double(s.padded_tokens - s.real_tokens) / double(s.padded_tokens), s.seconds * 1e3);
  return line;
}

}  // namespace hat::data
