// Tests for lrs/portability/jws: detached EdDSA signatures over a bundle's
// manifest. Headers that break one rule are signed properly with a real key,
// so each rejection is for the reason the test names, not a bad signature.
#include "lrs/portability/jws.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <random>
#include <string>

#include "lrs/base/encoding.h"

namespace lrs::portability {
namespace {

namespace json = boost::json;

constexpr std::string_view kTyp = "learner-lrs-bundle-manifest+json";
constexpr std::string_view kPayload = R"({"format":"learner-lrs-bundle","version":1})";

// header..signature, signed with `key` over `header` exactly as given.
std::string SignHeader(const StoreKey& key, std::string_view header, std::string_view payload) {
  std::string header_b64 = Base64UrlEncode(header);
  return header_b64 + ".." + Base64UrlEncode(key.Sign(header_b64 + "." + Base64UrlEncode(payload)));
}

json::object HeaderFor(const StoreKey& key) {
  return {{"alg", "EdDSA"}, {"typ", kTyp}, {"kid", key.KeyId()}, {"jwk", key.PublicJwk()}};
}

std::string SignHeader(const StoreKey& key, const json::object& header) {
  return SignHeader(key, json::serialize(header), kPayload);
}

// Replaces the `index`-th dot-separated part of `jws`.
std::string WithPart(const std::string& jws, int index, std::string_view part) {
  size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = jws.find('.', begin) + 1;
  size_t end = jws.find('.', begin);
  if (end == std::string::npos) end = jws.size();
  return jws.substr(0, begin) + std::string(part) + jws.substr(end);
}

class JwsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = StoreKey::Generate();
    other_ = StoreKey::Generate();
  }
  static void TearDownTestSuite() {
    key_.reset();
    other_.reset();
  }

  static void ExpectRejected(std::string_view jws, std::string_view needle,
                             std::string_view payload = kPayload) {
    auto v = VerifyDetached(jws, payload, kTyp);
    ASSERT_FALSE(v.ok()) << "expected rejection naming: " << needle;
    EXPECT_TRUE(v.status().Is(Status::Code::kInvalidArgument)) << v.status().message();
    EXPECT_EQ(v.status().message().rfind("signature: ", 0), 0u) << v.status().message();
    EXPECT_NE(v.status().message().find(needle), std::string::npos) << v.status().message();
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left non-empty";
  }

  static std::shared_ptr<const StoreKey> key_;
  static std::shared_ptr<const StoreKey> other_;
};

std::shared_ptr<const StoreKey> JwsTest::key_;
std::shared_ptr<const StoreKey> JwsTest::other_;

TEST_F(JwsTest, SignThenVerify) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  auto v = VerifyDetached(jws, kPayload, kTyp);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->key_id, key_->KeyId());
  EXPECT_EQ(v->jwk, key_->PublicJwk());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(JwsTest, EmptyAndBinaryPayloadsRoundTrip) {
  for (std::string payload :
       {std::string(), std::string("\0\xff\n", 3), std::string(100000, 'z')}) {
    auto v = VerifyDetached(SignDetached(*key_, payload, kTyp), payload, kTyp);
    EXPECT_TRUE(v.ok()) << v.status().message();
  }
}

TEST_F(JwsTest, SignedFormIsCompactDetachedWithTheDocumentedHeader) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  size_t dots = jws.find("..");
  ASSERT_NE(dots, std::string::npos);
  EXPECT_EQ(jws.find('.', dots + 2), std::string::npos);
  auto header = json::parse(*Base64Decode(jws.substr(0, dots), true)).as_object();
  EXPECT_EQ(header, HeaderFor(*key_));
  EXPECT_EQ(Base64Decode(jws.substr(dots + 2), true)->size(), 64u);
}

TEST_F(JwsTest, ChangedPayloadFails) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  for (size_t i = 0; i < kPayload.size(); i += 7) {
    std::string changed(kPayload);
    changed[i] ^= 0x01;
    ExpectRejected(jws, "does not verify", changed);
  }
  ExpectRejected(jws, "does not verify", std::string(kPayload) + " ");
  ExpectRejected(jws, "does not verify", "");
}

TEST_F(JwsTest, ChangedSignatureFails) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  std::string sig = *Base64Decode(jws.substr(jws.find("..") + 2), true);
  for (size_t i = 0; i < sig.size(); ++i) {
    std::string flipped = sig;
    flipped[i] ^= static_cast<char>(1 << (i % 8));
    ExpectRejected(WithPart(jws, 2, Base64UrlEncode(flipped)), "does not verify");
  }
}

TEST_F(JwsTest, AnotherKeysSignatureUnderTheOriginalHeaderFails) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  std::string header_b64 = jws.substr(0, jws.find('.'));
  std::string forged = other_->Sign(header_b64 + "." + Base64UrlEncode(kPayload));
  ExpectRejected(WithPart(jws, 2, Base64UrlEncode(forged)), "does not verify");
}

TEST_F(JwsTest, AlgOtherThanEdDsaIsRejected) {
  for (json::value alg : {json::value("none"), json::value("RS256"), json::value("ES256"),
                          json::value("eddsa"), json::value(1), json::value(nullptr)}) {
    json::object header = HeaderFor(*key_);
    header["alg"] = alg;
    ExpectRejected(SignHeader(*key_, header), "alg must be EdDSA");
  }
  json::object header = HeaderFor(*key_);
  header.erase("alg");
  ExpectRejected(SignHeader(*key_, header), "alg must be EdDSA");
  // alg "none" with the empty signature it implies.
  header["alg"] = "none";
  ExpectRejected(Base64UrlEncode(json::serialize(header)) + "..", "alg must be EdDSA");
}

TEST_F(JwsTest, WrongTypIsRejected) {
  for (json::value typ : {json::value("JWT"), json::value(""), json::value(7)}) {
    json::object header = HeaderFor(*key_);
    header["typ"] = typ;
    ExpectRejected(SignHeader(*key_, header), std::string("typ must be ") + std::string(kTyp));
  }
  json::object header = HeaderFor(*key_);
  header.erase("typ");
  ExpectRejected(SignHeader(*key_, header), "typ must be");
  // A signature made for another purpose does not pass as a manifest's.
  ExpectRejected(SignDetached(*key_, kPayload, "other+json"), "typ must be");
}

TEST_F(JwsTest, KidThatIsNotTheJwksThumbprintIsRejected) {
  json::object header = HeaderFor(*key_);
  header["kid"] = other_->KeyId();
  ExpectRejected(SignHeader(*key_, header), "kid is not the jwk's thumbprint");
  header["kid"] = 42;
  ExpectRejected(SignHeader(*key_, header), "kid is not the jwk's thumbprint");
  header.erase("kid");
  ExpectRejected(SignHeader(*key_, header), "kid is not the jwk's thumbprint");
  // Another key named in kid and jwk, but signed with this one.
  ExpectRejected(SignHeader(*key_, HeaderFor(*other_)), "does not verify");
}

TEST_F(JwsTest, MalformedJwkIsRejected) {
  const std::string x = std::string(key_->PublicJwk().at("x").as_string());
  struct Case {
    json::value jwk;
    std::string_view message;
  };
  const Case cases[] = {
      {json::value(nullptr), "jwk is missing or not an object"},
      {json::value("key"), "jwk is missing or not an object"},
      {json::array{}, "jwk is missing or not an object"},
      {json::object{{"kty", "OKP"}, {"crv", "X25519"}, {"x", x}}, "jwk: crv must be Ed25519"},
      {json::object{{"kty", "EC"}, {"crv", "Ed25519"}, {"x", x}}, "jwk: kty must be OKP"},
      {json::object{{"kty", "RSA"}, {"n", x}, {"e", "AQAB"}}, "jwk: kty must be OKP"},
      {json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x.substr(0, 42)}}, "jwk: x must be"},
      {json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x + "AA"}}, "jwk: x must be"},
      {json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", ""}}, "jwk: x must be"},
      {json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x + "="}}, "jwk: x must be"},
      {json::object{{"kty", "OKP"}, {"crv", "Ed25519"}}, "jwk: x must be"},
      {json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x}, {"use", "sig"}},
       "jwk: only kty, crv and x"},
  };
  for (const Case& c : cases) {
    json::object header = HeaderFor(*key_);
    header["jwk"] = c.jwk;
    ExpectRejected(SignHeader(*key_, header), c.message);
  }
  json::object header = HeaderFor(*key_);
  header.erase("jwk");
  ExpectRejected(SignHeader(*key_, header), "jwk is missing or not an object");
}

TEST_F(JwsTest, CriticalExtensionsAreRejected) {
  json::object header = HeaderFor(*key_);
  header["crit"] = json::array{"exp"};
  header["exp"] = 1;
  ExpectRejected(SignHeader(*key_, header), "crit is not supported");
}

TEST_F(JwsTest, AttachedPayloadIsRejected) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  ExpectRejected(WithPart(jws, 1, Base64UrlEncode(kPayload)), "payload part must be empty");
  ExpectRejected(WithPart(jws, 1, "A"), "payload part must be empty");
}

TEST_F(JwsTest, WrongNumberOfPartsIsRejected) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  const std::string header_b64 = jws.substr(0, jws.find('.'));
  const std::string sig_b64 = jws.substr(jws.find("..") + 2);
  for (const std::string& bad :
       {std::string(), std::string("abc"), header_b64 + "." + sig_b64, jws + ".",
        jws + "." + sig_b64, header_b64 + "..." + sig_b64, "." + jws, std::string(".")}) {
    ExpectRejected(bad, "not three dot-separated parts");
  }
}

TEST_F(JwsTest, InvalidBase64UrlIsRejected) {
  std::string jws = SignDetached(*key_, kPayload, kTyp);
  const std::string header_b64 = jws.substr(0, jws.find('.'));
  const std::string sig_b64 = jws.substr(jws.find("..") + 2);
  ExpectRejected(WithPart(jws, 0, "eyJ!"), "header is not valid base64url");
  ExpectRejected(WithPart(jws, 0, "eyJhb"), "header is not valid base64url");
  ExpectRejected(WithPart(jws, 0, header_b64 + "="), "header is not valid base64url");
  ExpectRejected(WithPart(jws, 0, header_b64 + "=="), "header is not valid base64url");
  ExpectRejected(WithPart(jws, 2, "a+b/"), "signature part is not valid base64url");
  ExpectRejected(WithPart(jws, 2, sig_b64 + "=="), "signature part is not valid base64url");
  ExpectRejected(WithPart(jws, 2, " " + sig_b64), "signature part is not valid base64url");
  // The same 64 bytes spelled with non-zero trailing bits: 86 characters
  // carry 516 bits, so the last one's low 4 bits are padding (canonically 0).
  std::string odd = sig_b64;
  ++odd.back();  // A, Q, g or w becomes B, R, h or x
  ASSERT_EQ(Base64Decode(odd, true), Base64Decode(sig_b64, true));
  ExpectRejected(WithPart(jws, 2, odd), "signature part is not valid base64url");
  ExpectRejected(WithPart(jws, 2, ""), "signature must be 64 bytes");
  ExpectRejected(WithPart(jws, 2, Base64UrlEncode(std::string(63, 's'))),
                 "signature must be 64 bytes");
  ExpectRejected(WithPart(jws, 2, Base64UrlEncode(std::string(65, 's'))),
                 "signature must be 64 bytes");
}

TEST_F(JwsTest, HeaderThatIsNotAJsonObjectIsRejected) {
  ExpectRejected(SignHeader(*key_, "{alg:EdDSA", kPayload), "header: not valid JSON");
  ExpectRejected(SignHeader(*key_, "", kPayload), "header: not valid JSON");
  ExpectRejected(SignHeader(*key_, std::string("\xff\xfe", 2), kPayload), "header: not valid JSON");
  ExpectRejected(SignHeader(*key_, json::serialize(HeaderFor(*key_)) + "{}", kPayload),
                 "header: not valid JSON");
  ExpectRejected(SignHeader(*key_, R"(["EdDSA"])", kPayload), "header is not a JSON object");
  ExpectRejected(SignHeader(*key_, "\"EdDSA\"", kPayload), "header is not a JSON object");
  ExpectRejected(SignHeader(*key_, std::string(100000, '['), kPayload), "header: not valid JSON");
}

TEST_F(JwsTest, RandomMutationsNeverCrashAndNeverVerify) {
  const std::string jws = SignDetached(*key_, kPayload, kTyp);
  static constexpr char kAlphabet[] = "._-=A{\"\0/+ ";
  static constexpr char kBase64Url[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::mt19937 rng(20240501);
  int tried = 0;
  int reached_signature_check = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string m = jws;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      size_t at = rng() % m.size();
      switch (rng() % 6) {
        case 0:
          m[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          m[at] ^= static_cast<char>(1 << (rng() % 8));
          break;
        case 2:
          m.erase(at, 1 + rng() % 8);
          break;
        case 3:
          m.insert(at, 1, kAlphabet[rng() % (sizeof kAlphabet - 1)]);
          break;
        case 4:  // stays base64url, so more mutations reach the signature check
          m[at] = kBase64Url[rng() % (sizeof kBase64Url - 1)];
          break;
        default:
          m.resize(at);
          break;
      }
    }
    if (m == jws) continue;
    ++tried;
    auto v = VerifyDetached(m, kPayload, kTyp);
    ASSERT_FALSE(v.ok()) << "mutation verified: " << m;
    ASSERT_TRUE(v.status().Is(Status::Code::kInvalidArgument)) << v.status().message();
    ASSERT_EQ(v.status().message().rfind("signature: ", 0), 0u) << v.status().message();
    ASSERT_EQ(ERR_peek_error(), 0u);
    if (v.status().message() == "signature: does not verify") ++reached_signature_check;
  }
  EXPECT_GT(tried, 9900);
  EXPECT_GT(reached_signature_check, 100);  // the crypto path was exercised too
}

}  // namespace
}  // namespace lrs::portability
