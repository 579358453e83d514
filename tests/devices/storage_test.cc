// Storage: zero-filled, aligned blocks from the heap (small) or mapped from the kernel (large,
// huge-page aligned from 2 MB); every byte readable and writable, whatever the size.
#include "devices/storage.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace hat {
namespace {

TEST(Storage, EverySizeIsZeroAlignedAndWritableToItsLastByte) {
  const size_t mb = size_t{1} << 20;
  for (const size_t bytes : {size_t{1}, size_t{100}, mb - 1, mb, mb + 4097, 2 * mb, 2 * mb + 1,
                             5 * mb + 12345}) {
    Storage s(bytes);
    ASSERT_EQ(s.bytes(), bytes);
    auto* p = static_cast<unsigned char*>(s.data());
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << bytes;
    if (bytes >= 2 * mb) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (2 * mb), 0u) << bytes;
    }
    size_t nonzero = 0;
    for (size_t i = 0; i < bytes; ++i) nonzero += p[i] != 0;
    EXPECT_EQ(nonzero, 0u) << bytes;
    std::memset(p, 0xab, bytes);
    EXPECT_EQ(p[0], 0xab);
    EXPECT_EQ(p[bytes - 1], 0xab);
  }
}

TEST(Storage, ZeroBytesHoldsNothing) {
  Storage s(0);
  EXPECT_EQ(s.bytes(), 0u);
}

}  // namespace
}  // namespace hat
