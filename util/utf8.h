// Strict UTF-8 validation and decoding (no overlong forms, no surrogates, nothing past U+10FFFF).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hat::util {

// Byte offset of the first invalid UTF-8 sequence in `text`, or std::string_view::npos when
// the whole text is valid.
size_t find_invalid_utf8(std::string_view text);

// Decodes the code point starting at text[i] and advances i past it. `text` must be valid UTF-8.
char32_t next_code_point(std::string_view text, size_t& i);

// Appends the UTF-8 encoding of code point c to out.
void append_utf8(std::string& out, char32_t c);

}  // namespace hat::util
