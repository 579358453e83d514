// SHA-256 of a byte string or a file, as lowercase hex (the digests `sha256sum` prints): the
// checksums a data directory records for its files. Computed by OpenSSL (libssl-dev).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hat::util {

std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace hat::util
