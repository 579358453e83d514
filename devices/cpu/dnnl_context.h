// The CPU backend's oneDNN state: one engine, one stream, and primitive caches keyed by
// shape. Primitives are built once per shape and kept; nothing is rebuilt in a hot loop.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "devices/tensor.h"

namespace hat::cpu {

dnnl::engine& engine();
dnnl::stream& stream();

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

// A thread-safe cache of primitives (with whatever the caller keeps beside them).
template <typename Entry>
class PrimitiveCache {
 public:
  const Entry& get(const PrimitiveKey& key, const std::function<Entry()>& build) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) it = entries_.emplace(key, build()).first;
    return it->second;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<PrimitiveKey, Entry, PrimitiveKeyHash> entries_;
};

// Converts an exception from oneDNN into hat::Error naming the op.
[[noreturn]] void rethrow_dnnl(const char* op, const dnnl::error& e);

}  // namespace hat::cpu
