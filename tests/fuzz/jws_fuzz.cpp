// Fuzz target: JWS parsing, both kinds: signed statements
// (lrs/xapi/signature.cpp, RS256/384/512 compact JWS attached to a
// statement) and bundle signatures (lrs/portability/jws.cpp, detached EdDSA
// JWS over a manifest, with the signer's JWK in the header).
//
// Input: a mode byte, then lines. Mode (byte & 3):
//   0  statement JSON, then the raw JWS
//   1  statement JSON, header JSON, payload JSON, then signature bytes;
//      the target base64url-encodes the parts, so the fuzzer works on JSON
//   2  manifest (payload) line, then the raw detached JWS
//   3  manifest line, header JSON, then signature bytes (encoded likewise)
// A statement that does not validate is replaced by a fixed valid one: the
// server verifies signatures of validated statements only.
//
// Besides crashes, mode 3 checks that what SignDetached writes verifies.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"
#include "lrs/portability/bundle.h"
#include "lrs/portability/jws.h"
#include "lrs/portability/store_key.h"
#include "lrs/xapi/signature.h"
#include "lrs/xapi/validate.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using lrs_fuzz::NextLine;
using lrs_fuzz::Require;

namespace json = boost::json;
namespace portability = lrs::portability;

constexpr std::string_view kDefaultStatement = R"({
  "actor": {"mbox": "mailto:ada@example.org"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
  "object": {"id": "http://example.org/activity/1"}})";

json::value SignedStatement(std::string_view text) {
  auto v = lrs::ParseJson(text, "statement");
  if (v.ok() && lrs::xapi::ValidateStatement(*v, lrs::xapi::Version::k103).ok()) return *v;
  return json::parse(kDefaultStatement);
}

// "header.payload.signature" from the decoded parts.
std::string Compact(std::string_view header, std::string_view payload, std::string_view sig) {
  return lrs::Base64UrlEncode(header) + "." + lrs::Base64UrlEncode(payload) + "." +
         lrs::Base64UrlEncode(sig);
}

void SignedStatementJws(std::string_view rest, bool structured) {
  json::value statement = SignedStatement(NextLine(rest));
  if (!structured) {
    (void)lrs::xapi::VerifySignedStatement(statement, rest);
    return;
  }
  std::string_view header = NextLine(rest);
  std::string_view payload = NextLine(rest);
  (void)lrs::xapi::VerifySignedStatement(statement, Compact(header, payload, rest));
}

const portability::StoreKey& Key() {
  static const std::shared_ptr<const portability::StoreKey> key = portability::StoreKey::Generate();
  return *key;
}

void CheckSignRoundTrip(std::string_view payload) {
  std::string jws = portability::SignDetached(Key(), payload, portability::kManifestJwsType);
  auto signer = portability::VerifyDetached(jws, payload, portability::kManifestJwsType);
  Require(signer.ok(), "a detached JWS from SignDetached does not verify");
  Require(signer->key_id == Key().KeyId(), "a verified JWS names another key");
}

void DetachedJws(std::string_view rest, bool structured) {
  std::string_view payload = NextLine(rest);
  if (!structured) {
    (void)portability::VerifyDetached(rest, payload, portability::kManifestJwsType);
    return;
  }
  std::string_view header = NextLine(rest);
  std::string jws = lrs::Base64UrlEncode(header) + ".." + lrs::Base64UrlEncode(rest);
  (void)portability::VerifyDetached(jws, payload, portability::kManifestJwsType);
  CheckSignRoundTrip(payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] & 3;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (mode < 2) {
    SignedStatementJws(rest, mode == 1);
  } else {
    DetachedJws(rest, mode == 3);
  }
  return 0;
}
