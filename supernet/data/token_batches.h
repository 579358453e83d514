// Batches by token count (fairseq's --max-tokens): sentences sorted into length buckets so that
// padding stays low, batches filled greedily under the budget, the order shuffled by
// (seed, epoch), and a cursor (epoch, batch) from which training resumes exactly.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hat::data {

struct BatchOptions {
  uint64_t max_tokens = 4096;    // rows x longest sentence, for source and target each
  uint64_t max_sentences = 0;    // rows per batch; 0 = no limit
  uint64_t seed = 1;
  bool shuffle = true;           // false: length order, the same every epoch (valid, test)
};

// Where an epoch walk stands: the next batch to hand out is batch `batch` of epoch `epoch`.
struct BatchCursor {
  uint64_t epoch = 1;  // epochs count from 1, as in fairseq
  uint64_t batch = 0;

  bool operator==(const BatchCursor&) const = default;
  std::string to_string() const;                 // "epoch:batch", e.g. "3:120"
  static BatchCursor parse(std::string_view text);
};

// The batches of one epoch: sentence indices, grouped.
class EpochBatches {
 public:
  size_t size() const { return starts_.size() - 1; }
  std::span<const uint32_t> operator[](size_t b) const {
    return {order_.data() + starts_[b], static_cast<size_t>(starts_[b + 1] - starts_[b])};
  }
  size_t sentences() const { return order_.size(); }

 private:
  friend class TokenBatcher;
  std::vector<uint32_t> order_;
  std::vector<uint64_t> starts_{0};
};

class TokenBatcher {
 public:
  // Lengths in tokens as the model sees them (eos included), one per sentence pair.
  TokenBatcher(std::vector<uint32_t> source_lengths, std::vector<uint32_t> target_lengths, BatchOptions options);

  // The batches of an epoch; the same (seed, epoch) always gives the same batches in the same
  // order. Every sentence that fits the budget appears exactly once.
  EpochBatches epoch(uint64_t epoch) const;

  const BatchOptions& options() const { return options_; }
  size_t sentences() const { return source_.size(); }
  // Sentences longer than max_tokens on either side: never batched.
  size_t skipped() const { return skipped_; }
  // Cost of a batch: rows x the longest sentence on either side (what the budget bounds).
  uint64_t cost(std::span<const uint32_t> batch) const;
  // Tokens a batch really holds on both sides, without padding.
  uint64_t real_tokens(std::span<const uint32_t> batch) const;

 private:
  std::vector<uint32_t> source_, target_;
  BatchOptions options_;
  std::vector<uint32_t> fitting_;  // indices of sentences within budget, sorted by length
  size_t skipped_ = 0;
};

// Walks batches across epochs from a cursor. A run stopped after any batch resumes from its
// cursor() and sees exactly the batches it would have seen.
class BatchIterator {
 public:
  explicit BatchIterator(const TokenBatcher& batcher, BatchCursor start = {});

  // The batch at cursor(); then moves the cursor on (to the next epoch after the last batch).
  // The span stays valid until the next call.
  std::span<const uint32_t> next();
  const BatchCursor& cursor() const { return cursor_; }
  // Batches in the cursor's epoch.
  size_t epoch_size();

 private:
  void plan();
  const TokenBatcher& batcher_;
  BatchCursor cursor_;
  EpochBatches plan_;
  uint64_t planned_epoch_ = 0;
};

}  // namespace hat::data
