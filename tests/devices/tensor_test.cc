#include <gtest/gtest.h>

#include "devices/parameters.h"
#include "devices/tensor.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

TEST(Tensor, LeadingBlockIsAViewWithTheParentsStrides) {
  Tensor w = test::random_tensor({6, 8}, DType::f32, 1);
  Tensor block = w.leading({4, 5});
  EXPECT_EQ(block.shape(), (Shape{4, 5}));
  EXPECT_EQ(block.strides(), (Shape{8, 1}));
  EXPECT_EQ(block.raw(), w.raw());
  EXPECT_FALSE(block.is_contiguous());
  block.at<float>({3, 4}) = 42.0f;  // writes through to the parent
  EXPECT_EQ(w.at<float>({3, 4}), 42.0f);
}

TEST(Tensor, SliceWiderThanItsParameterThrowsNamingShapes) {
  Tensor w = Tensor::zeros({4, 4}, DType::f32);
  try {
    w.leading({4, 5});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[4, 5]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[4, 4]"), std::string::npos) << e.what();
  }
}

TEST(Tensor, TransposeNarrowAndCopyRespectStrides) {
  Tensor a = test::random_tensor({3, 5}, DType::f64, 2);
  Tensor t = a.transpose(0, 1);
  EXPECT_EQ(t.shape(), (Shape{5, 3}));
  EXPECT_EQ(t.at<double>({4, 2}), a.at<double>({2, 4}));
  Tensor dense = t.clone();
  EXPECT_TRUE(dense.is_contiguous());
  EXPECT_TRUE(test::all_close(dense, t, 0, 0));
  Tensor col = a.narrow(1, 2, 2);
  EXPECT_EQ(col.at<double>({1, 0}), a.at<double>({1, 2}));
  col.zero_();
  EXPECT_EQ(a.at<double>({1, 3}), 0.0);
  EXPECT_NE(a.at<double>({1, 4}), 0.0);
}

TEST(Tensor, ReshapeNeedsContiguousAndMatchingSize) {
  Tensor a = Tensor::zeros({2, 3, 4}, DType::f32);
  EXPECT_EQ(a.reshape({-1, 4}).shape(), (Shape{6, 4}));
  EXPECT_THROW(a.reshape({5, 5}), Error);
  EXPECT_THROW(a.transpose(0, 2).reshape({24}), Error);
}

TEST(Tensor, TypedAccessChecksTheType) {
  Tensor a = Tensor::zeros({2}, DType::f32);
  EXPECT_THROW(a.data<double>(), Error);
}

TEST(ParameterStore, OneFlatBufferWithNamedViews) {
  ParameterStore store(DType::f32);
  store.declare("fc.weight", {4, 3});
  store.declare("fc.bias", {4});
  EXPECT_THROW(store.declare("fc.bias", {4}), Error);
  store.allocate();
  EXPECT_THROW(store.declare("late", {1}), Error);
  EXPECT_GE(store.total_size(), 16);
  const Tensor& w = store.value("fc.weight");
  const Tensor& b = store.value("fc.bias");
  // Views point into the flat buffer, each aligned to 64 bytes.
  const char* base = static_cast<const char*>(store.values().raw());
  EXPECT_EQ(static_cast<const char*>(w.raw()), base);
  EXPECT_EQ((static_cast<const char*>(b.raw()) - base) % 64, 0);
  w.at<float>({1, 2}) = 3.0f;
  EXPECT_EQ(store.values().data<float>()[1 * 3 + 2], 3.0f);
  store.grad("fc.bias").at<float>({0}) = 1.0f;
  store.zero_grad();
  EXPECT_EQ(store.grad("fc.bias").at<float>({0}), 0.0f);
  EXPECT_THROW(store.value("missing"), Error);
}

}  // namespace
}  // namespace hat
