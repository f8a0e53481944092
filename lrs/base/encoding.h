// Byte encodings used across layers: base64 (standard and URL-safe), hex,
// SHA-1/SHA-256/SHA-384/SHA-512 digests, UUIDs, and big-endian integers for
// sortable storage keys. All functions are pure; decoders return false on
// malformed input instead of throwing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lrs {

std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);  // no padding
// Accepts padded or unpadded input; `url` selects the -_ alphabet.
std::optional<std::string> Base64Decode(std::string_view text, bool url = false);

std::string HexEncode(std::string_view bytes);  // lowercase
// RFC 3986 percent-encoding of everything but the unreserved characters
// (fit for a query value or one path segment).
std::string PercentEncode(std::string_view in);
std::optional<std::string> HexDecode(std::string_view hex);

std::string Sha1(std::string_view data);    // raw 20 bytes
std::string Sha256(std::string_view data);  // raw 32 bytes
std::string Sha384(std::string_view data);  // raw 48 bytes
std::string Sha512(std::string_view data);  // raw 64 bytes
std::string Sha1Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

// Cryptographically random bytes from OpenSSL's RAND_bytes.
std::string RandomBytes(size_t n);

// A UUID as 16 raw bytes.
using Uuid = std::array<uint8_t, 16>;
// Parses the canonical 8-4-4-4-12 hex form (either case). Rejects anything else.
std::optional<Uuid> ParseUuid(std::string_view text);
std::string FormatUuid(const Uuid& id);  // lowercase canonical form
Uuid RandomUuidV4();
std::string UuidBytes(const Uuid& id);  // the 16 bytes as a string

// Big-endian fixed-width integers: keys that sort numerically as bytes.
void PutBigEndian64(std::string* dst, uint64_t v);
uint64_t GetBigEndian64(std::string_view src);  // src.size() >= 8

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Constant-time equality for secrets (CRYPTO_memcmp); false on length mismatch.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace lrs
