// What oneDNN is told about an operand's layout: a size-1 dimension's stride is canonical (the
// dense one), so a single row cut from a wider buffer is seen as dense. oneDNN 2.6 otherwise
// takes it for strided and runs its reference matmul (a greedy decoder step was 8x slower
// end to end; bench_decode --beam 1 measures it).
#include <gtest/gtest.h>

#include "devices/cpu/dnnl_context.h"

namespace hat::cpu {
namespace {

dnnl::memory::dims strides_of(const dnnl::memory::desc& d) {
  const dnnl_memory_desc_t& raw = d.data;
  return dnnl::memory::dims(raw.format_desc.blocking.strides,
                            raw.format_desc.blocking.strides + raw.ndims);
}

TEST(DnnlMemoryDesc, ASingleRowOfAWiderBufferIsDense) {
  EXPECT_EQ(strides_of(memory_desc({1, 8}, {32, 1}, DType::f32)), (dnnl::memory::dims{8, 1}));
  EXPECT_EQ(strides_of(memory_desc({4, 1, 8}, {64, 100, 1}, DType::f32)),
            (dnnl::memory::dims{64, 8, 1}));
  EXPECT_EQ(strides_of(memory_desc({3, 1}, {5, 7}, DType::f32)), (dnnl::memory::dims{5, 1}));
}

TEST(DnnlMemoryDesc, OtherStridesAreKept) {
  EXPECT_EQ(strides_of(memory_desc({2, 8}, {32, 1}, DType::f32)), (dnnl::memory::dims{32, 1}));
  EXPECT_EQ(strides_of(memory_desc({8, 2}, {1, 8}, DType::f32)), (dnnl::memory::dims{1, 8}));
}

}  // namespace
}  // namespace hat::cpu
