// safetensors files: round trips, the exact bytes of a tiny file, and rejection of damaged files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "supernet/checkpoint/safetensors.h"
#include "tests/support/test_util.h"

namespace hat::checkpoint {
namespace {

namespace fs = std::filesystem;

class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           str("hat_safetensors_", ::getpid(), "_", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  // A file by hand: the 8-byte little-endian length, the header as given, the data.
  static std::string raw_file(const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return out + header + data;
  }
  template <typename T>
  static std::string bytes_of(std::initializer_list<T> values) {
    std::string out(values.size() * sizeof(T), '\0');
    std::memcpy(out.data(), values.begin(), out.size());
    return out;
  }
  static bool same_bytes(const Tensor& a, const Tensor& b) {
    const Tensor x = a.clone(), y = b.clone();
    return x.dtype() == y.dtype() && x.shape() == y.shape() &&
           std::memcmp(x.raw(), y.raw(), x.numel() * dtype_size(x.dtype())) == 0;
  }
  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename());
    return out;
  }

  fs::path dir_;
};

TEST_F(SafetensorsTest, RoundTripsF32F64I32AndMetadata) {
  const Tensor a = test::random_tensor({3, 5}, DType::f32, 1);
  const Tensor b = test::random_tensor({2, 2, 2}, DType::f64, 2);
  const Tensor c = Tensor::zeros({4}, DType::i32);
  for (int i = 0; i < 4; ++i) c.at<int32_t>({i}) = (i - 2) * 1000003;
  const Tensor scalar = test::random_tensor({}, DType::f64, 3);
  const Tensor empty = Tensor::zeros({0, 3}, DType::f32);
  const fs::path path = dir_ / "t.safetensors";
  write_safetensors(path, {{"a", a}, {"b.weight", b}, {"c", c}, {"scalar", scalar}, {"empty", empty}},
                    {{"format", "pt"}, {"note", "ünïcode"}});
  const SafetensorsContents back = read_safetensors(path);
  ASSERT_EQ(back.tensors.size(), 5u);
  EXPECT_TRUE(same_bytes(back.tensors.at("a"), a));
  EXPECT_TRUE(same_bytes(back.tensors.at("b.weight"), b));
  EXPECT_TRUE(same_bytes(back.tensors.at("c"), c));
  EXPECT_TRUE(same_bytes(back.tensors.at("scalar"), scalar));
  EXPECT_EQ(back.tensors.at("empty").shape(), Shape({0, 3}));
  EXPECT_EQ(back.metadata, (SafetensorsMetadata{{"format", "pt"}, {"note", "ünïcode"}}));
  EXPECT_EQ(read_safetensors_header(path).data_start % 8, 0u);  // header padded to 8 bytes
  EXPECT_EQ(files(), std::vector<fs::path>{"t.safetensors"});  // no temporary left behind
}

TEST_F(SafetensorsTest, StridedViewsAreWrittenRowMajor) {
  const Tensor base = test::random_tensor({4, 6}, DType::f32, 4);
  const Tensor transposed = base.transpose(0, 1);     // [6, 4], strides [1, 6]
  const Tensor block = base.leading({3, 2});          // [3, 2], strides [6, 1]
  const Tensor column = base.narrow(1, 5, 1);         // [4, 1], strides [6, 1]
  const fs::path path = dir_ / "views.safetensors";
  write_safetensors(path, {{"t", transposed}, {"block", block}, {"column", column}});
  const SafetensorsContents back = read_safetensors(path);
  EXPECT_TRUE(same_bytes(back.tensors.at("t"), transposed));
  EXPECT_TRUE(same_bytes(back.tensors.at("block"), block));
  EXPECT_TRUE(same_bytes(back.tensors.at("column"), column));
  EXPECT_EQ(back.tensors.at("t").at<float>({5, 2}), base.at<float>({2, 5}));
  EXPECT_TRUE(back.metadata.empty());
}

TEST_F(SafetensorsTest, TinyFileIsByteExact) {
  const Tensor w = Tensor::zeros({2}, DType::f32);
  w.at<float>({0}) = 1.0f;
  w.at<float>({1}) = -2.0f;
  const fs::path path = dir_ / "w.safetensors";
  write_safetensors(path, {{"w", w}}, {{"format", "pt"}});
  const std::string header = R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  ASSERT_EQ(header.size(), 85u);
  const std::string expected = std::string("\x58\0\0\0\0\0\0\0", 8) + header + "   " +
                               std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);
  EXPECT_EQ(read_bytes(path), expected);
}

TEST_F(SafetensorsTest, ReadsAHandBuiltFileInAnyKeyOrder) {
  // As another writer might produce it: no padding, no metadata, keys not in offset order.
  const std::string header = R"({"b":{"dtype":"I32","shape":[3],"data_offsets":[16,28]},)"
                             R"("a":{"dtype":"F64","shape":[2,1],"data_offsets":[0,16]}})";
  const fs::path path = dir_ / "hand.safetensors";
  write_bytes(path, raw_file(header, bytes_of<double>({0.5, -1.25}) + bytes_of<int32_t>({1, -2, 7})));
  const SafetensorsContents back = read_safetensors(path);
  EXPECT_EQ(back.tensors.at("a").shape(), Shape({2, 1}));
  EXPECT_EQ(back.tensors.at("a").at<double>({1, 0}), -1.25);
  EXPECT_EQ(back.tensors.at("b").at<int32_t>({2}), 7);
  const SafetensorsHeader h = read_safetensors_header(path);
  ASSERT_EQ(h.entries.size(), 2u);
  EXPECT_EQ(h.entries[0].name, "a");  // offset order
  EXPECT_EQ(h.data_start, 8 + header.size());
  // Into caller-owned destinations, strided ones included.
  const Tensor a_buffer = Tensor::zeros({1, 2}, DType::f64);
  const Tensor b_buffer = Tensor::zeros({3}, DType::i32);
  read_safetensors_into(path, h, {{"a", a_buffer.transpose(0, 1)}, {"b", b_buffer}});
  EXPECT_EQ(a_buffer.at<double>({0, 1}), -1.25);
  EXPECT_EQ(b_buffer.at<int32_t>({1}), -2);
  test::expect_error([&] { read_safetensors_into(path, h, {{"a", a_buffer}, {"b", b_buffer}}); },
                     {path.string(), "tensor 'a' is F64[2, 1] in the file but its destination is f64[1, 2]"});
}

TEST_F(SafetensorsTest, RejectsTruncatedFiles) {
  const fs::path path = dir_ / "t.safetensors";
  write_safetensors(path, {{"x", test::random_tensor({10}, DType::f32, 5)}});
  const std::string good = read_bytes(path);
  write_bytes(path, good.substr(0, good.size() - 4));
  test::expect_error([&] { read_safetensors(path); }, {path.string(), "truncated", "need 40 bytes"});
  write_bytes(path, good.substr(0, 20));
  test::expect_error([&] { read_safetensors(path); }, {path.string(), "runs past the end of the file"});
  write_bytes(path, good.substr(0, 5));
  test::expect_error([&] { read_safetensors(path); }, {path.string(), "fewer than the 8-byte header length"});
  write_bytes(path, good + "junk");
  test::expect_error([&] { read_safetensors(path); }, {path.string(), "4 bytes after the last tensor"});
  test::expect_error([&] { read_safetensors(dir_ / "missing.safetensors"); }, {"missing.safetensors"});
}

TEST_F(SafetensorsTest, RejectsACorruptedHeader) {
  const fs::path path = dir_ / "t.safetensors";
  write_safetensors(path, {{"x", test::random_tensor({2}, DType::f32, 6)}});
  std::string bytes = read_bytes(path);
  bytes[8] = '[';  // "{" -> "["
  write_bytes(path, bytes);
  test::expect_error([&] { read_safetensors(path); }, {path.string(), "not valid JSON"});
  write_bytes(path, raw_file(R"(["x"])", ""));
  test::expect_error([&] { read_safetensors(path); }, {path.string(), "not a JSON object"});
}

TEST_F(SafetensorsTest, RejectsBadEntries) {
  const fs::path path = dir_ / "bad.safetensors";
  auto expect_rejected = [&](const std::string& header, const std::string& data,
                             const std::vector<std::string>& parts) {
    write_bytes(path, raw_file(header, data));
    std::vector<std::string> all = parts;
    all.push_back(path.string());
    test::expect_error([&] { read_safetensors(path); }, all);
  };
  const std::string eight(8, '\0'), sixteen(16, '\0');
  expect_rejected(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  std::string(12, '\0'), {"'b' [4, 12) overlaps tensor 'a' [0, 8)"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                  eight, {"overlaps"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", sixteen,
                  {"gap of 8 bytes before tensor 'a'"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight,
                  {"tensor 'a'", "shape [3] of F32 needs 12 bytes", "hold 8"});
  expect_rejected(R"({"a":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})", eight, {"F16 is not supported"});
  expect_rejected(R"({"a":{"dtype":"Q9","shape":[4],"data_offsets":[0,8]}})", eight, {"unknown dtype 'Q9'"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight, {"sizes >= 0"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", eight, {"end before they begin"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", eight, {"not a pair"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}})", eight,
                  {"unknown header field 'extra'"});
  expect_rejected(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", eight,
                  {"too large"});
  expect_rejected(R"({"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", eight,
                  {"__metadata__ value of 'k' is not a string"});
}

TEST_F(SafetensorsTest, RejectsBadWrites) {
  const Tensor x = test::random_tensor({2}, DType::f32, 7);
  test::expect_error([&] { write_safetensors(dir_ / "d.safetensors", {{"x", x}, {"x", x}}); },
                     {"d.safetensors", "'x' given twice"});
  test::expect_error([&] { write_safetensors(dir_ / "d.safetensors", {{"__metadata__", x}}); }, {"__metadata__"});
  test::expect_error([&] { write_safetensors(dir_ / "d.safetensors", {{"u", Tensor()}}); }, {"'u' is undefined"});
  test::expect_error([&] { write_safetensors(dir_ / "no" / "such" / "dir.safetensors", {{"x", x}}); },
                     {"dir.safetensors", "cannot create a temporary file"});
  EXPECT_TRUE(files().empty());
}

TEST_F(SafetensorsTest, ReplacingAFileIsAtomic) {
  const fs::path path = dir_ / "m.safetensors";
  write_safetensors(path, {{"x", test::random_tensor({3}, DType::f32, 8)}});
  const Tensor newer = test::random_tensor({5}, DType::f32, 9);
  write_safetensors(path, {{"x", newer}});
  EXPECT_TRUE(same_bytes(read_safetensors(path).tensors.at("x"), newer));
  EXPECT_EQ(files(), std::vector<fs::path>{"m.safetensors"});
}

}  // namespace
}  // namespace hat::checkpoint
