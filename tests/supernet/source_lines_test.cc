// hattranslate's input: every line kept (empty ones too), CRLF endings and a last line without
// a newline handled, an unreadable file named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "devices/error.h"
#include "supernet/translate/source_lines.h"

namespace hat {
namespace {

TEST(SourceLines, KeepsEmptyLinesAndDropsOneCarriageReturn) {
  std::istringstream in("ein Haus\r\n\nzwei\r\r\nletzte");
  EXPECT_EQ(translate::read_source_lines(in),
            (std::vector<std::string>{"ein Haus", "", "zwei\r", "letzte"}));
  std::istringstream empty("");
  EXPECT_TRUE(translate::read_source_lines(empty).empty());
  std::istringstream one_newline("\n");
  EXPECT_EQ(translate::read_source_lines(one_newline), (std::vector<std::string>{""}));
}

TEST(SourceLines, ReadsAFileAndNamesOneItCannotRead) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("hat_source_lines_" + std::to_string(::getpid()));
  std::ofstream(file, std::ios::binary) << "a\r\nb\n";
  EXPECT_EQ(translate::read_source_lines(file.string()), (std::vector<std::string>{"a", "b"}));
  std::filesystem::remove(file);
  try {
    translate::read_source_lines(file.string());
    FAIL() << "no error for a missing file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read " + file.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hat
