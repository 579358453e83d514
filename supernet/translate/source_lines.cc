#include "supernet/translate/source_lines.h"

#include <fstream>
#include <iostream>

#include "devices/error.h"

namespace hat::translate {

std::vector<std::string> read_source_lines(std::istream& in) {
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> read_source_lines(const std::string& input) {
  if (input == "-") return read_source_lines(std::cin);
  std::ifstream in(input, std::ios::binary);
  HAT_CHECK(in, "cannot read ", input);
  return read_source_lines(in);
}

}  // namespace hat::translate
