// Token-budget batches with length bucketing, seeded shuffling and a resumable cursor.
#include "supernet/data/token_batches.h"

#include <algorithm>
#include <charconv>

#include "devices/error.h"
#include "supernet/data/random.h"

namespace hat::data {

std::string BatchCursor::to_string() const { return str(epoch, ":", batch); }

BatchCursor BatchCursor::parse(std::string_view text) {
  const size_t colon = text.find(':');
  BatchCursor cursor;
  const auto number = [&](std::string_view part, uint64_t& value) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  HAT_CHECK(colon != std::string_view::npos && number(text.substr(0, colon), cursor.epoch) &&
                number(text.substr(colon + 1), cursor.batch) && cursor.epoch >= 1,
            "batch cursor: '", text, "' is not EPOCH:BATCH with EPOCH >= 1 (e.g. 3:120)");
  return cursor;
}

TokenBatcher::TokenBatcher(std::vector<uint32_t> source_lengths, std::vector<uint32_t> target_lengths,
                           BatchOptions options)
    : source_(std::move(source_lengths)), target_(std::move(target_lengths)), options_(options) {
  HAT_CHECK(source_.size() == target_.size(), "batches: ", source_.size(), " source but ", target_.size(),
            " target lengths");
  HAT_CHECK(source_.size() < (uint64_t{1} << 32), "batches: ", source_.size(), " sentences exceed 2^32");
  HAT_CHECK(options_.max_tokens > 0, "batches: max_tokens must be positive");
  for (uint32_t i = 0; i < source_.size(); ++i) {
    if (std::max(source_[i], target_[i]) <= options_.max_tokens) fitting_.push_back(i);
    else ++skipped_;
  }
  // Length buckets: by the longer side, then the shorter; ties keep index order (and are
  // shuffled per epoch by epoch()).
  std::stable_sort(fitting_.begin(), fitting_.end(), [&](uint32_t a, uint32_t b) {
    const uint32_t la = std::max(source_[a], target_[a]), lb = std::max(source_[b], target_[b]);
    if (la != lb) return la < lb;
    return std::min(source_[a], target_[a]) < std::min(source_[b], target_[b]);
  });
}

EpochBatches TokenBatcher::epoch(uint64_t epoch) const {
  HAT_CHECK(epoch >= 1, "batches: epoch ", epoch, " (epochs count from 1)");
  EpochBatches result;
  result.order_ = fitting_;
  Rng rng(mix_seed(options_.seed, epoch));
  const auto key = [&](uint32_t i) {
    return (uint64_t{std::max(source_[i], target_[i])} << 32) | std::min(source_[i], target_[i]);
  };
  if (options_.shuffle) {
    // Shuffle inside each bucket of equal lengths: the same buckets, different neighbours.
    for (size_t begin = 0; begin < result.order_.size();) {
      size_t end = begin + 1;
      while (end < result.order_.size() && key(result.order_[end]) == key(result.order_[begin])) ++end;
      for (size_t i = end - begin; i > 1; --i)
        std::swap(result.order_[begin + i - 1], result.order_[begin + rng.below(i)]);
      begin = end;
    }
  }
  // Greedy fill in length order: a batch closes when one more row would break the budget.
  uint64_t rows = 0, longest = 0;
  for (size_t k = 0; k < result.order_.size(); ++k) {
    const uint32_t i = result.order_[k];
    const uint64_t len = std::max(source_[i], target_[i]);
    const uint64_t new_longest = std::max(longest, len);
    const bool full = (rows + 1) * new_longest > options_.max_tokens ||
                      (options_.max_sentences > 0 && rows == options_.max_sentences);
    if (rows > 0 && full) {
      result.starts_.push_back(k);
      rows = 0;
      longest = 0;
    }
    ++rows;
    longest = std::max(longest, len);
  }
  if (rows > 0) result.starts_.push_back(result.order_.size());
  if (options_.shuffle) {
    // Shuffle the batch order: permute [start, end) ranges, then rebuild the flat order.
    std::vector<uint32_t> perm(result.size());
    for (uint32_t b = 0; b < perm.size(); ++b) perm[b] = b;
    shuffle(perm, rng);
    std::vector<uint32_t> order;
    std::vector<uint64_t> starts{0};
    order.reserve(result.order_.size());
    starts.reserve(perm.size() + 1);
    for (uint32_t b : perm) {
      const auto batch = result[b];
      order.insert(order.end(), batch.begin(), batch.end());
      starts.push_back(order.size());
    }
    result.order_ = std::move(order);
    result.starts_ = std::move(starts);
  }
  return result;
}

uint64_t TokenBatcher::cost(std::span<const uint32_t> batch) const {
  uint64_t longest = 0;
  for (uint32_t i : batch) longest = std::max<uint64_t>(longest, std::max(source_[i], target_[i]));
  return batch.size() * longest;
}

uint64_t TokenBatcher::real_tokens(std::span<const uint32_t> batch) const {
  uint64_t tokens = 0;
  for (uint32_t i : batch) tokens += uint64_t{source_[i]} + target_[i];
  return tokens;
}

BatchIterator::BatchIterator(const TokenBatcher& batcher, BatchCursor start) : batcher_(batcher), cursor_(start) {
  HAT_CHECK(cursor_.epoch >= 1, "batch cursor: epoch ", cursor_.epoch, " (epochs count from 1)");
  plan();
  HAT_CHECK(plan_.size() > 0, "batches: no sentence fits max_tokens ", batcher_.options().max_tokens, " (",
            batcher_.skipped(), " skipped of ", batcher_.sentences(), ")");
  HAT_CHECK(cursor_.batch < plan_.size(), "batch cursor ", cursor_.to_string(), ": epoch ", cursor_.epoch,
            " has only ", plan_.size(), " batches (was the data or max_tokens changed?)");
}

void BatchIterator::plan() {
  if (planned_epoch_ == cursor_.epoch) return;
  plan_ = batcher_.epoch(cursor_.epoch);
  planned_epoch_ = cursor_.epoch;
}

size_t BatchIterator::epoch_size() {
  plan();
  return plan_.size();
}

std::span<const uint32_t> BatchIterator::next() {
  plan();
  const std::span<const uint32_t> batch = plan_[cursor_.batch];
  if (++cursor_.batch == plan_.size()) {
    // Keep this epoch's plan alive for the returned span; the next call plans the new epoch.
    ++cursor_.epoch;
    cursor_.batch = 0;
  }
  return batch;
}

}  // namespace hat::data
