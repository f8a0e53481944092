// Detached JWS: see jws.h.
//
// Decisions:
//  - Base64url parts must be canonical (unpadded, no stray low bits). JWS
//    forbids padding anyway, and accepting several spellings of one signature
//    would let a bundle's signature file change while still verifying.
//  - The signing input uses the header part exactly as received, so the
//    signature covers the header bytes, not a re-serialization of them.
//  - A "crit" header member is refused: RFC 7515 4.1.11 requires rejecting
//    critical extensions a verifier does not understand, and we know none.
//  - Checks run in the order the header comment lists them, so the message
//    names the first thing wrong. Every path leaves the OpenSSL error queue
//    empty (the HTTP layer's TLS code reads it).
#include "lrs/portability/jws.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <optional>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"

namespace lrs::portability {

namespace {

namespace json = boost::json;

constexpr std::string_view kAlg = "EdDSA";
constexpr size_t kSignatureBytes = 64;

Status Fail(std::string what) { return Status::InvalidArgument("signature: " + what); }

struct OpenSslErrorGuard {
  ~OpenSslErrorGuard() { ERR_clear_error(); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Decodes canonical base64url; nullopt for anything else.
std::optional<std::string> DecodeStrict(std::string_view text) {
  std::optional<std::string> raw = Base64Decode(text, /*url=*/true);
  if (!raw || Base64UrlEncode(*raw) != text) return std::nullopt;
  return raw;
}

struct DetachedParts {
  std::string_view header_b64;
  std::string header;
  std::string signature;
};

Result<DetachedParts> Split(std::string_view jws) {
  size_t dot1 = jws.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail("not three dot-separated parts (header..signature)");
  }
  if (dot2 != dot1 + 1) return Fail("the payload part must be empty (detached payload)");
  DetachedParts out;
  out.header_b64 = jws.substr(0, dot1);
  std::optional<std::string> header = DecodeStrict(out.header_b64);
  if (!header) return Fail("header is not valid base64url");
  out.header = std::move(*header);
  std::optional<std::string> sig = DecodeStrict(jws.substr(dot2 + 1));
  if (!sig) return Fail("signature part is not valid base64url");
  out.signature = std::move(*sig);
  return out;
}

bool IsString(const json::object& o, std::string_view key, std::string_view expected) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() && v->get_string() == expected;
}

// Checks the protected header; returns the signer's key and its thumbprint.
Result<VerifiedSignature> CheckHeader(const json::object& header, std::string_view expected_typ) {
  if (header.contains("crit")) return Fail("crit is not supported");
  if (!IsString(header, "alg", kAlg)) return Fail("alg must be EdDSA");
  if (!IsString(header, "typ", expected_typ))
    return Fail("typ must be " + std::string(expected_typ));
  const json::value* jwk = header.if_contains("jwk");
  if (!jwk || !jwk->is_object()) return Fail("jwk is missing or not an object");
  Result<std::string> thumbprint = JwkThumbprint(jwk->get_object());
  if (!thumbprint.ok()) return Fail(thumbprint.status().message());
  if (!IsString(header, "kid", *thumbprint)) return Fail("kid is not the jwk's thumbprint");
  return VerifiedSignature{jwk->get_object(), std::move(*thumbprint)};
}

Status CheckSignature(const json::object& jwk, std::string_view signing_input,
                      std::string_view signature) {
  if (signature.size() != kSignatureBytes) return Fail("signature must be 64 bytes");
  // JwkThumbprint has checked x; this only keeps the code free of throwing calls.
  const json::value* x = jwk.if_contains("x");
  std::optional<std::string> raw =
      x && x->is_string() ? Base64Decode(x->get_string(), /*url=*/true) : std::nullopt;
  if (!raw) return Fail("jwk: x is not an Ed25519 public key");
  OpenSslErrorGuard guard;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw->data()), raw->size()));
  if (!key) return Fail("jwk: x is not an Ed25519 public key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return Status::Internal("signature: cannot set up Ed25519 verification");
  }
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(),
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
    return Fail("does not verify");
  }
  return Status::Ok();
}

}  // namespace

std::string SignDetached(const StoreKey& key, std::string_view payload, std::string_view typ) {
  json::object header{{"alg", kAlg}, {"typ", typ}, {"kid", key.KeyId()}, {"jwk", key.PublicJwk()}};
  std::string header_b64 = Base64UrlEncode(json::serialize(header));
  std::string signature = key.Sign(header_b64 + "." + Base64UrlEncode(payload));
  return header_b64 + ".." + Base64UrlEncode(signature);
}

Result<VerifiedSignature> VerifyDetached(std::string_view jws, std::string_view payload,
                                         std::string_view expected_typ) {
  Result<DetachedParts> parts = Split(jws);
  if (!parts.ok()) return parts.status();
  Result<json::value> header = ParseJson(parts->header, "signature: header");
  if (!header.ok()) return header.status();
  if (!header->is_object()) return Fail("header is not a JSON object");
  Result<VerifiedSignature> signer = CheckHeader(header->get_object(), expected_typ);
  if (!signer.ok()) return signer.status();
  std::string signing_input = std::string(parts->header_b64) + "." + Base64UrlEncode(payload);
  LRS_RETURN_IF_ERROR(CheckSignature(signer->jwk, signing_input, parts->signature));
  return signer;
}

}  // namespace lrs::portability
