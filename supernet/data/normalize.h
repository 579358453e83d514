// Text normalisation applied to every sentence of every corpus: Unicode NFKC, control and
// invisible characters removed, white space collapsed to single spaces and trimmed.
#pragma once

#include <string>
#include <string_view>

namespace hat::data {

// Name recorded in a data directory's metadata for this normalisation.
inline constexpr std::string_view kNormalization = "nfkc+whitespace";

// Normalises one line of valid UTF-8 (callers validate first: see find_invalid_utf8).
// Idempotent: normalize_text(normalize_text(s)) == normalize_text(s).
std::string normalize_text(std::string_view text);

}  // namespace hat::data
