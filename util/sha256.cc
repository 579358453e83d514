#include "util/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <vector>

#include "devices/error.h"

namespace hat::util {

namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext start_digest() {
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  HAT_CHECK(ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1,
            "sha256: OpenSSL could not start a digest");
  return ctx;
}

void update(EVP_MD_CTX* ctx, const void* bytes, size_t size) {
  HAT_CHECK(EVP_DigestUpdate(ctx, bytes, size) == 1, "sha256: OpenSSL digest update failed");
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HAT_CHECK(EVP_DigestFinal_ex(ctx, digest, &length) == 1, "sha256: OpenSSL digest failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  DigestContext ctx = start_digest();
  update(ctx.get(), bytes.data(), bytes.size());
  return finish_hex(ctx.get());
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, path.string(), ": cannot open for reading");
  DigestContext ctx = start_digest();
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    update(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  HAT_CHECK(in.eof(), path.string(), ": read error");
  return finish_hex(ctx.get());
}

}  // namespace hat::util
