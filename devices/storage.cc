#include "devices/storage.h"

#include <sys/mman.h>

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
  if (rounded >= kMapBytes) {
    // Anonymous pages are zero and page-aligned (a multiple of kAlignment).
    void* p = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = p;
    mapped_ = rounded;
    return;
  }
  data_ = std::aligned_alloc(kAlignment, rounded);
  if (!data_) throw std::bad_alloc();
  std::memset(data_, 0, rounded);
}

Storage::~Storage() {
  if (mapped_) ::munmap(data_, mapped_);
  else std::free(data_);
}

}  // namespace hat
