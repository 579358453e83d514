// One-sentence-a-line UTF-8 text files: strict reading (errors name the file and line) and
// writing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace hat::util {

// Reads the next line of a UTF-8 text stream into `line` (a trailing "\r" dropped) and counts it
// in `number`; false at the end of the stream. Throws hat::Error "NAME:NUMBER: invalid UTF-8 at
// byte B of the line" for a line that is not valid UTF-8.
bool read_text_line(std::istream& in, const std::string& name, std::string& line, size_t& number);

// Reads every line of a UTF-8 text file (a trailing "\r" is dropped). Throws hat::Error naming
// the file and the 1-based line when the file is missing, a line is not valid UTF-8 (with the
// byte column), or a line is empty or blank; also when the file holds no line at all.
std::vector<std::string> read_lines(const std::filesystem::path& path);

// Writes the lines, each followed by "\n". A line may not contain "\n".
void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines);

// Writes bytes to a file (binary), throwing hat::Error naming it on failure.
void write_file(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file (binary).
std::string read_file(const std::filesystem::path& path);

}  // namespace hat::util
