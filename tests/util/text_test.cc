// UTF-8 validation, SHA-256 and strict line reading.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "devices/error.h"
#include "util/sha256.h"
#include "util/text_lines.h"
#include "util/utf8.h"

namespace hat::util {
namespace {

namespace fs = std::filesystem;

TEST(Utf8, AcceptsValidAndLocatesTheFirstInvalidByte) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("Grüße, 東京, 😀"), std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("ab\xff" "cd"), 2u);             // never valid
  EXPECT_EQ(find_invalid_utf8("a\xc3"), 1u);                   // truncated sequence
  EXPECT_EQ(find_invalid_utf8("a\xc0\xaf"), 1u);               // overlong '/'
  EXPECT_EQ(find_invalid_utf8("xy\xed\xa0\x80"), 2u);          // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);        // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ok \x80"), 3u);                 // stray continuation byte
}

TEST(Utf8, DecodesAndEncodesCodePoints) {
  const std::string text = "aü€😀";
  std::string rebuilt;
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) points.push_back(next_code_point(text, i));
  EXPECT_EQ(points, (std::vector<char32_t>{U'a', U'ü', U'€', U'😀'}));
  for (char32_t c : points) append_utf8(rebuilt, c);
  EXPECT_EQ(rebuilt, text);
}

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // A file digest (read in chunks) equals the one-shot digest of its bytes.
  const fs::path file = fs::temp_directory_path() / ("hat_sha_test_" + std::to_string(::getpid()));
  { std::ofstream(file, std::ios::binary) << std::string(1000000, 'a'); }
  EXPECT_EQ(sha256_file(file), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  fs::remove(file);
  EXPECT_THROW(sha256_file(file), Error);
}

class TextFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hat_text_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }
  static std::string error_of(const fs::path& file) {
    try {
      read_lines(file);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST_F(TextFiles, ReadsLinesAndDropsCarriageReturns) {
  EXPECT_EQ(read_lines(write("ok.txt", "eins\r\nzwei\ndrei")), (std::vector<std::string>{"eins", "zwei", "drei"}));
}

TEST_F(TextFiles, ErrorsNameTheFileAndLine) {
  const fs::path bad = write("bad.de", "gut\nso\xff" "lala\n");
  EXPECT_EQ(error_of(bad), bad.string() + ":2: invalid UTF-8 at byte 3 of the line");
  const fs::path empty_line = write("gap.en", "one\n\nthree\n");
  EXPECT_NE(error_of(empty_line).find(empty_line.string() + ":2: empty line"), std::string::npos);
  const fs::path blank_line = write("blank.en", "one\n  \t\n");
  EXPECT_NE(error_of(blank_line).find(blank_line.string() + ":2: empty line"), std::string::npos);
  EXPECT_EQ(error_of(write("none.en", "")), (dir_ / "none.en").string() + ": the file is empty");
  EXPECT_EQ(error_of(dir_ / "missing.de"), (dir_ / "missing.de").string() + ": no such file");
}

}  // namespace
}  // namespace hat::util
