#include "devices/storage.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "devices/error.h"

namespace hat {

namespace {
constexpr size_t kAlignment = 64;
}

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  HAT_CHECK(device == Device::cpu, "storage: device ", device_name(device),
            " has no allocator in this build");
  if (bytes == 0) return;
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded);
  if (!data_) throw std::bad_alloc();
  std::memset(data_, 0, rounded);
}

Storage::~Storage() { std::free(data_); }

}  // namespace hat
