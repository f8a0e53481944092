// Signed statement verification (xAPI Data 2.6, LRS requirements 2.6.s5).
//
// Contract (see signature.h): VerifySignedStatement returns Ok or
// InvalidArgument whose message starts with "signature:" and names the check
// that failed. It never throws on hostile input and leaves no OpenSSL errors
// queued behind it (the HTTP layer's TLS code reads that queue).
//
// Checks, in order: compact serialization; header is a base64url JSON object
// with alg RS256/RS384/RS512 and no critical extensions; payload is a
// base64url JSON object; signature is base64url; when the header has x5c, the
// signature verifies with the first certificate's RSA public key; the payload
// is the same statement as the one the signature is attached to.
//
// Decisions:
//  - No x5c: the signature is accepted once it is well formed. Data 2.6.s5.b3.b3
//    requires checking the signature only "if the JWS header includes an X.509
//    certificate"; the spec notes that this check catches mistakes and is no
//    security measure (clients MUST NOT trust a signature because an LRS took
//    it); and the ADL conformance suite signs without x5c and expects 200 for
//    RS256/RS384/RS512. Without a key there is nothing to verify against, so
//    we only require a signature whose length an RSA key could produce.
//  - x5c: only the first certificate is used, as JWS (RFC 7515 4.1.6) puts the
//    signing certificate first. The chain, validity dates and trust are not
//    checked, for the same "catch mistakes" reason: the spec's own Appendix D
//    example certificate expired in 2014.
//  - Comparison: the payload is the statement before the signature was added,
//    so "attachments" is removed from both sides (attachments are an
//    immutability exception, Data 2.3.1.b6), then SameStatement decides, with
//    the payload as the incoming statement and the received statement as the
//    one the LRS may have completed (id, timestamp, stored, authority,
//    version). SameStatement ignores id, so ids present on both sides are
//    compared here: a signature over another statement id is not this one's.
#include "lrs/xapi/signature.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include "lrs/base/encoding.h"
#include "lrs/xapi/format.h"

namespace lrs::xapi {

namespace {

namespace json = boost::json;

// An RSA signature is as long as the key's modulus; outside 512..16384 bits
// the bytes cannot be one.
constexpr size_t kMinRsaSignatureBytes = 64;
constexpr size_t kMaxRsaSignatureBytes = 2048;
// Statements nest deeper than Boost.JSON's default limit of 32 allows (e.g.
// extensions inside a SubStatement's context); the parser is not recursive,
// so a generous limit costs nothing.
constexpr size_t kMaxJsonDepth = 256;

Status Fail(std::string what) { return Status::InvalidArgument("signature: " + what); }

// Clears the OpenSSL error queue on every way out of verification.
struct OpenSslErrorGuard {
  ~OpenSslErrorGuard() { ERR_clear_error(); }
};

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

struct CompactJws {
  std::string_view signing_input;  // header "." payload, exactly as sent
  json::object header;
  json::value payload;
  std::string signature;
};

Result<json::value> ParseJson(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, json::storage_ptr(), opts);
  if (ec) return Status::InvalidArgument(ec.message());
  return v;
}

std::string_view TrimWhitespace(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Result<json::object> DecodeHeader(std::string_view b64) {
  std::optional<std::string> raw = Base64Decode(b64, /*url=*/true);
  if (!raw) return Fail("JWS header is not valid base64url");
  Result<json::value> v = ParseJson(*raw);
  if (!v.ok() || !v->is_object()) return Fail("JWS header is not a JSON object");
  return std::move(v->get_object());
}

Result<json::value> DecodePayload(std::string_view b64) {
  std::optional<std::string> raw = Base64Decode(b64, /*url=*/true);
  if (!raw) return Fail("JWS payload is not valid base64url");
  Result<json::value> v = ParseJson(*raw);
  if (!v.ok()) return Fail("JWS payload is not valid JSON (" + v.status().message() + ")");
  if (!v->is_object()) return Fail("JWS payload is not a JSON statement object");
  return std::move(*v);
}

// Splits and decodes the three parts of a compact JWS (RFC 7515 7.1).
Result<CompactJws> DecodeCompact(std::string_view jws) {
  jws = TrimWhitespace(jws);
  if (!jws.empty() && jws.front() == '{') {
    return Fail("JWS JSON serialization is not supported; use compact serialization");
  }
  size_t dot1 = jws.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail("JWS is not in compact serialization (header.payload.signature)");
  }
  CompactJws out;
  out.signing_input = jws.substr(0, dot2);
  Result<json::object> header = DecodeHeader(jws.substr(0, dot1));
  if (!header.ok()) return header.status();
  out.header = std::move(*header);
  Result<json::value> payload = DecodePayload(jws.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload.ok()) return payload.status();
  out.payload = std::move(*payload);
  std::optional<std::string> sig = Base64Decode(jws.substr(dot2 + 1), /*url=*/true);
  if (!sig) return Fail("JWS signature is not valid base64url");
  out.signature = std::move(*sig);
  return out;
}

// The digest for the header's alg; only the RSASSA-PKCS1-v1_5 family is
// allowed (Data 2.6.s4.b4). Also refuses critical extensions, which RFC 7515
// 4.1.11 says a recipient that does not understand them must reject.
Result<const EVP_MD*> CheckHeader(const json::object& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->value().is_string()) {
    return Fail("JWS header has no alg string");
  }
  std::string_view name = alg->value().get_string();
  const EVP_MD* md = name == "RS256"   ? EVP_sha256()
                     : name == "RS384" ? EVP_sha384()
                     : name == "RS512" ? EVP_sha512()
                                       : nullptr;
  if (md == nullptr) {
    return Fail("JWS alg '" + std::string(name) +
                "' is not allowed (must be RS256, RS384 or RS512)");
  }
  if (header.contains("crit"))
    return Fail("JWS header has critical extensions (crit) not supported");
  return md;
}

// Parses x5c[0] (base64 DER, RFC 7515 4.1.6) into a certificate.
Result<std::unique_ptr<X509, X509Free>> FirstCertificate(const json::value& x5c) {
  if (!x5c.is_array() || x5c.get_array().empty() ||
      !std::all_of(x5c.get_array().begin(), x5c.get_array().end(),
                   [](const json::value& v) { return v.is_string(); })) {
    return Fail("JWS x5c must be a non-empty array of base64 certificate strings");
  }
  std::optional<std::string> der = Base64Decode(x5c.get_array()[0].get_string(), /*url=*/false);
  if (!der || der->empty()) return Fail("JWS x5c[0] is not valid base64");
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der->data()) + der->size()) {
    return Fail("JWS x5c[0] is not a DER X.509 certificate");
  }
  return cert;
}

Status VerifyWithCertificate(const CompactJws& jws, const EVP_MD* md, const json::value& x5c) {
  Result<std::unique_ptr<X509, X509Free>> cert = FirstCertificate(x5c);
  if (!cert.ok()) return cert.status();
  EVP_PKEY* key = X509_get0_pubkey(cert->get());  // owned by the certificate
  if (key == nullptr || !EVP_PKEY_is_a(key, "RSA")) {
    return Fail("JWS x5c[0] certificate does not hold an RSA public key");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    return Fail("JWS x5c[0] public key cannot be used for verification");
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(jws.signature.data());
  const auto* tbs = reinterpret_cast<const unsigned char*>(jws.signing_input.data());
  if (EVP_DigestVerify(ctx.get(), sig, jws.signature.size(), tbs, jws.signing_input.size()) != 1) {
    return Fail("JWS signature does not verify with the x5c[0] certificate");
  }
  return Status::Ok();
}

// Copy of `v` without its "attachments" property.
json::value WithoutAttachments(const json::value& v) {
  json::value copy = v;
  copy.get_object().erase("attachments");
  return copy;
}

bool SameId(const json::value& a, const json::value& b) {
  if (!a.is_string() || !b.is_string()) return a == b;
  std::optional<Uuid> ua = ParseUuid(a.get_string());
  std::optional<Uuid> ub = ParseUuid(b.get_string());
  if (ua && ub) return *ua == *ub;  // UUIDs compare case-insensitively
  return a == b;
}

Status ComparePayload(const json::value& payload, const json::value& statement) {
  json::value original = WithoutAttachments(payload);
  json::value received = WithoutAttachments(statement);
  const auto* original_id = original.get_object().if_contains("id");
  const auto* received_id = received.get_object().if_contains("id");
  if (original_id && received_id && !SameId(*original_id, *received_id)) {
    return Fail("JWS payload id differs from the statement id");
  }
  if (!SameStatement(original, received)) {
    return Fail("JWS payload is not the same statement as the one it is attached to");
  }
  return Status::Ok();
}

}  // namespace

Status VerifySignedStatement(const boost::json::value& statement, std::string_view jws) {
  OpenSslErrorGuard clear_errors;
  if (!statement.is_object()) return Fail("the signed statement is not a JSON object");
  Result<CompactJws> decoded = DecodeCompact(jws);
  if (!decoded.ok()) return decoded.status();
  Result<const EVP_MD*> md = CheckHeader(decoded->header);
  if (!md.ok()) return md.status();
  if (decoded->signature.empty()) return Fail("JWS signature is empty");
  if (const json::value* x5c = decoded->header.if_contains("x5c")) {
    LRS_RETURN_IF_ERROR(VerifyWithCertificate(*decoded, *md, *x5c));
  } else if (decoded->signature.size() < kMinRsaSignatureBytes ||
             decoded->signature.size() > kMaxRsaSignatureBytes) {
    return Fail("JWS signature length " + std::to_string(decoded->signature.size()) +
                " bytes is not that of an RSA signature");
  }
  return ComparePayload(decoded->payload, statement);
}

}  // namespace lrs::xapi
