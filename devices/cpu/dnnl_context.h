// The CPU backend's oneDNN state: one engine, one stream, and primitive caches keyed by
// shape. Primitives are built once per shape and kept; nothing is rebuilt in a hot loop.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "devices/tensor.h"

namespace hat::cpu {

dnnl::engine& engine();
dnnl::stream& stream();

// Runs a primitive on this thread's stream() and waits for it. Every oneDNN primitive of the
// CPU backend runs through here, so that an open implementation log (implementation_log.h)
// notes each one that ran.
void run_primitive(const dnnl::primitive& p, const std::unordered_map<int, dnnl::memory>& args);

// A memory descriptor with the tensor's dims and strides (no copy, no layout change).
dnnl::memory::desc memory_desc(const Tensor& t);
dnnl::memory::desc memory_desc(const Shape& shape, const Shape& strides, DType dtype);
// A oneDNN memory object over the tensor's own data.
dnnl::memory memory(const Tensor& t);
dnnl::memory memory(const dnnl::memory::desc& desc, const Tensor& t);

// Key of a cached primitive: every integer that determines it (dims, strides, flags, the
// thread count, bit patterns of float attributes).
using PrimitiveKey = std::vector<int64_t>;
struct PrimitiveKeyHash {
  size_t operator()(const PrimitiveKey& key) const;
};
void append_key(PrimitiveKey& key, const Tensor& t);  // dims and strides
int64_t float_bits(float value);

// A thread-safe, size-bounded cache of primitives (with whatever the caller keeps beside them).
// Training meets many shapes (every batch shape times every sampled width), so the least
// recently used entries are dropped beyond `capacity`; get() returns a copy of the entry
// (oneDNN objects are reference-counted handles), which stays valid after an eviction.
template <typename Entry>
class PrimitiveCache {
 public:
  explicit PrimitiveCache(size_t capacity = 512) : capacity_(capacity) {}

  Entry get(const PrimitiveKey& key, const std::function<Entry()>& build) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);  // most recently used first
      return it->second->second;
    }
    order_.emplace_front(key, build());
    index_.emplace(key, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return order_.front().second;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return order_.size();
  }

 private:
  using Item = std::pair<PrimitiveKey, Entry>;
  mutable std::mutex mutex_;
  size_t capacity_;
  std::list<Item> order_;
  std::unordered_map<PrimitiveKey, typename std::list<Item>::iterator, PrimitiveKeyHash> index_;
};

// The scratchpad every primitive built with scratchpad_mode::user shares: one buffer grown to
// the largest need, instead of a scratchpad held by each cached primitive (which, for large
// matmuls, costs megabytes per cached shape). One buffer per host thread: a thread runs one
// primitive at a time, and threads that translate side by side (--inter-threads) each need their own.
dnnl::primitive_attr user_scratchpad_attr();
dnnl::memory scratchpad(const dnnl::memory::desc& desc);

// Converts an exception from oneDNN into hat::Error naming the op.
[[noreturn]] void rethrow_dnnl(const char* op, const dnnl::error& e);

}  // namespace hat::cpu
