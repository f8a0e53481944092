// SHA-1 and SHA-256 as lowercase hex, for the tests' expected values.
//
// Computed here with OpenSSL's EVP interface directly, deliberately not with
// lrs/base/encoding.h, so that a mistake in the server's own digest helpers
// cannot cancel out in the tests that check ETags and attachment hashes.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace lrs_test {

// The digest of `data` with `md`, as lowercase hex.
inline std::string DigestHex(std::string_view data, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

inline std::string Sha1Hex(std::string_view data) { return DigestHex(data, EVP_sha1()); }

inline std::string Sha256Hex(std::string_view data) { return DigestHex(data, EVP_sha256()); }

}  // namespace lrs_test
