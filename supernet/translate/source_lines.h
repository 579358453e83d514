// What hattranslate reads: one sentence a line, leniently (unlike data::read_lines, empty lines
// are kept, as they translate to empty lines).
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace hat::translate {

// Lines of a stream: "\n"-separated, one trailing "\r" dropped, a last line without "\n" counts.
std::vector<std::string> read_source_lines(std::istream& in);

// The same from a file, or from standard input when `input` is "-". Throws hat::Error naming a
// file that cannot be read.
std::vector<std::string> read_source_lines(const std::string& input);

}  // namespace hat::translate
