// One-sentence-a-line UTF-8 text files.
#include "util/text_lines.h"

#include <fstream>
#include <sstream>

#include "devices/error.h"
#include "util/utf8.h"

namespace hat::util {

namespace {

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\v' && c != '\f') return false;
  return true;
}

}  // namespace

bool read_text_line(std::istream& in, const std::string& name, std::string& line, size_t& number) {
  if (!std::getline(in, line)) return false;
  ++number;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const size_t bad = find_invalid_utf8(line);
  HAT_CHECK(bad == std::string_view::npos, name, ":", number, ": invalid UTF-8 at byte ", bad + 1,
            " of the line");
  return true;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  HAT_CHECK(std::filesystem::exists(path), path.string(), ": no such file");
  HAT_CHECK(!std::filesystem::is_directory(path), path.string(), ": is a directory, not a text file");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  std::vector<std::string> lines;
  std::string line;
  size_t number = 0;
  while (read_text_line(in, path.string(), line, number)) {
    HAT_CHECK(!is_blank(line), path.string(), ":", number,
              ": empty line (every line must hold one sentence, aligned with the other side)");
    lines.push_back(std::move(line));
  }
  HAT_CHECK(in.eof(), path.string(), ": read error after line ", number);
  HAT_CHECK(!lines.empty(), path.string(), ": the file is empty");
  return lines;
}

void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  HAT_CHECK(out, path.string(), ": cannot open for writing");
  for (const std::string& line : lines) {
    HAT_CHECK(line.find('\n') == std::string::npos, path.string(), ": a line to write contains a newline");
    out << line << '\n';
  }
  out.close();
  HAT_CHECK(out, path.string(), ": write failed (disk full?)");
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  HAT_CHECK(out, path.string(), ": cannot open for writing");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  HAT_CHECK(out, path.string(), ": write failed (disk full?)");
}

std::string read_file(const std::filesystem::path& path) {
  HAT_CHECK(std::filesystem::exists(path), path.string(), ": no such file");
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  HAT_CHECK(in || in.eof(), path.string(), ": read error");
  return buffer.str();
}

}  // namespace hat::util
