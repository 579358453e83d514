// A block of device memory shared by every tensor view into it.
#pragma once

#include <cstddef>
#include <memory>

#include "devices/device.h"

namespace hat {

class Storage {
 public:
  // Allocates `bytes` bytes, 64-byte aligned (a cache line; what oneDNN prefers), zero-filled.
  // Blocks of kMapBytes and more are mapped from the kernel: their pages cost memory only once
  // touched (a parameter store's gradients at inference, a buffer's headroom), and freeing one
  // returns it to the system at once instead of leaving a hole in the heap. From 2 MB on they
  // start at a 2 MB boundary with transparent huge pages asked for (storage.cc says why).
  Storage(size_t bytes, Device device = Device::cpu);
  static constexpr size_t kMapBytes = size_t{1} << 20;
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  size_t mapped_ = 0;  // bytes mapped (0: from the heap)
  Device device_;
};

}  // namespace hat
