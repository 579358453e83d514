// Unicode NFKC (ICU) and white-space normalisation.
#include "supernet/data/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "devices/error.h"
#include "util/utf8.h"

namespace hat::data {

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::string nfkc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
  HAT_CHECK(U_SUCCESS(status), "normalize_text: ICU NFKC unavailable: ", u_errorName(status));
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const icu::UnicodeString out = normalizer->normalize(in, status);
  HAT_CHECK(U_SUCCESS(status), "normalize_text: ICU NFKC failed: ", u_errorName(status));
  std::string result;
  out.toUTF8String(result);
  return result;
}

// Zero-width and invisible characters that only get in the way of tokenisation.
bool is_invisible(char32_t c) {
  return c == 0x00AD || c == 0x200B || c == 0x2060 || c == 0xFEFF;
}

}  // namespace

std::string normalize_text(std::string_view text) {
  const std::string composed = is_ascii(text) ? std::string(text) : nfkc(text);
  std::string out;
  out.reserve(composed.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < composed.size()) {
    const char32_t c = util::next_code_point(composed, i);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || (c >= 0x80 && u_isUWhiteSpace(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (u_charType(c) == U_CONTROL_CHAR || is_invisible(c)) continue;
    if (pending_space) out += ' ';
    pending_space = false;
    util::append_utf8(out, c);
  }
  return out;
}

}  // namespace hat::data
