// A block of device memory shared by every tensor view into it.
#pragma once

#include <cstddef>
#include <memory>

#include "devices/device.h"

namespace hat {

class Storage {
 public:
  // Allocates `bytes` bytes, 64-byte aligned (a cache line; what oneDNN prefers), zero-filled.
  Storage(size_t bytes, Device device = Device::cpu);
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
  Device device_;
};

}  // namespace hat
