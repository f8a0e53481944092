// Tests for lrs/xapi/signature: JWS compact signatures attached to statements
// (xAPI Data 2.6). Keys and certificates are generated per run with OpenSSL;
// the one fixed vector is the signed statement of the spec's Appendix D.
#include "lrs/xapi/signature.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include <random>
#include <string>

#include "lrs/base/encoding.h"
#include "tests/unit/xapi/jws_test_util.h"

namespace lrs::xapi {
namespace {

namespace json = boost::json;
using testing::MakeJws;
using testing::TestSigner;

constexpr std::string_view kStatement = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "actor": {"objectType": "Agent", "name": "Learner", "mbox": "mailto:learner@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
  "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/34534"},
  "result": {"duration": "PT1H0.12S"},
  "timestamp": "2024-05-01T12:00:00Z"
})";

// xAPI 1.0.3 Data Appendix D: the example JWS (RS256, x5c chain of two).
constexpr std::string_view kSpecExampleJws =
    "ew0KICAgICJhbGciOiAiUlMyNTYiLA0KICAgICJ4NWMiOiBbDQogICAgICAgICJNSUlEQVRDQ0FtcWdBd0lCQWdJSk"
    "FNQjFjc051QTYra01BMEdDU3FHU0liM0RRRUJCUVVBTUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xV"
    "Wlc1dVpYTnpaV1V4R0RBV0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQn"
    "NaVEVpTUNBR0NTcUdTSWIzRFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0d4bExtTnZiVEFlRncweE16QTBNRFF4TlRJ"
    "NE16QmFGdzB4TkRBME1EUXhOVEk0TXpCYU1JR1dNUXN3Q1FZRFZRUUdFd0pWVXpFU01CQUdBMVVFQ0JNSlZHVnVibV"
    "Z6YzJWbE1SRXdEd1lEVlFRSEV3aEdjbUZ1YTJ4cGJqRVlNQllHQTFVRUNoTVBSWGhoYlhCc1pTQkRiMjF3WVc1NU1S"
    "QXdEZ1lEVlFRTEV3ZEZlR0Z0Y0d4bE1SQXdEZ1lEVlFRREV3ZEZlR0Z0Y0d4bE1TSXdJQVlKS29aSWh2Y05BUWtCRm"
    "hObGVHRnRjR3hsUUdWNFlXMXdiR1V1WTI5dE1JR2ZNQTBHQ1NxR1NJYjNEUUVCQVFVQUE0R05BRENCaVFLQmdRRGp4"
    "dlpYRjMwV0w0b0tqWllYZ1IwWnlhWCt1M3k2K0pxVHFpTmtGYS9WVG5ldDZMeTJPVDZabW1jSkVQbnEzVW5ld3BIb0"
    "9RK0dmaGhUa1cxM2owNmo1aU5uNG9iY0NWV1RMOXlYTnZKSCtLbyt4dTRZbC95U1BScklQeVRqdEhkRzBNMlh6SWxt"
    "bUxxbStDQVMrS0NiSmVINHRmNTQza0lXQzVwQzVwM2NWUUlEQVFBQm8zc3dlVEFKQmdOVkhSTUVBakFBTUN3R0NXQ0"
    "dTQUdHK0VJQkRRUWZGaDFQY0dWdVUxTk1JRWRsYm1WeVlYUmxaQ0JEWlhKMGFXWnBZMkYwWlRBZEJnTlZIUTRFRmdR"
    "VVZzM3Y1YWZFZE9lb1llVmFqQVFFNHYwV1MxUXdId1lEVlIwakJCZ3dGb0FVeVZJYzN5dnJhNEVCejIwSTRCRjM5SU"
    "FpeEJrd0RRWUpLb1pJaHZjTkFRRUZCUUFEZ1lFQWdTL0ZGNUQwSG5qNDRydlQ2a2duM2tKQXZ2MmxqL2Z5anp0S0ly"
    "WVMzM2xqWEduNmdHeUE0cXRiWEEyM1ByTzR1Yy93WUNTRElDRHBQb2JoNjJ4VENkOXFPYktoZ3dXT2kwNVBTQkxxVX"
    "UzbXdmQWUxNUxKQkpCcVBWWjRLMGtwcGVQQlU4bTZhSVpvSDU3TC85dDRPb2FMOHlLcy9xaktGZUkxT0ZXWnh2QT0i"
    "LA0KICAgICAgICAiTUlJRE56Q0NBcUNnQXdJQkFnSUpBTUIxY3NOdUE2K2pNQTBHQ1NxR1NJYjNEUUVCQlFVQU1IRX"
    "hDekFKQmdOVkJBWVRBbFZUTVJJd0VBWURWUVFJRXdsVVpXNXVaWE56WldVeEdEQVdCZ05WQkFvVEQwVjRZVzF3YkdV"
    "Z1EyOXRjR0Z1ZVRFUU1BNEdBMVVFQXhNSFJYaGhiWEJzWlRFaU1DQUdDU3FHU0liM0RRRUpBUllUWlhoaGJYQnNaVU"
    "JsZUdGdGNHeGxMbU52YlRBZUZ3MHhNekEwTURReE5USTFOVE5hRncweU16QTBNREl4TlRJMU5UTmFNSEV4Q3pBSkJn"
    "TlZCQVlUQWxWVE1SSXdFQVlEVlFRSUV3bFVaVzV1WlhOelpXVXhHREFXQmdOVkJBb1REMFY0WVcxd2JHVWdRMjl0Y0"
    "dGdWVURVFNQTRHQTFVRUF4TUhSWGhoYlhCc1pURWlNQ0FHQ1NxR1NJYjNEUUVKQVJZVFpYaGhiWEJzWlVCbGVHRnRj"
    "R3hsTG1OdmJUQ0JuekFOQmdrcWhraUc5dzBCQVFFRkFBT0JqUUF3Z1lrQ2dZRUExc0JuQldQWjBmN1dKVUZUSnk1Kz"
    "AxU2xTNVo2RERENlV5ZTl2SzlBeWNnVjVCMytXQzhIQzV1NWg5MU11akFDMUFSUFZVT3RzdlBSczQ1cUtORklnSUdS"
    "WEtQQXdaamF3RUkyc0NKUlNLVjQ3aTZCOGJEdjRXa3VHdlFhdmVaR0kwcWxtTjVSMUVpbTJnVUl0UmoxaGdjQzlyUW"
    "F2amxuRktEWTJybFhHdWtDQXdFQUFhT0IxakNCMHpBZEJnTlZIUTRFRmdRVXlWSWMzeXZyYTRFQnoyMEk0QkYzOUlB"
    "aXhCa3dnYU1HQTFVZEl3U0JtekNCbUlBVXlWSWMzeXZyYTRFQnoyMEk0QkYzOUlBaXhCbWhkYVJ6TUhFeEN6QUpCZ0"
    "5WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1dVpYTnpaV1V4R0RBV0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNH"
    "RnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVpTUNBR0NTcUdTSWIzRFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0"
    "d4bExtTnZiWUlKQU1CMWNzTnVBNitqTUF3R0ExVWRFd1FGTUFNQkFmOHdEUVlKS29aSWh2Y05BUUVGQlFBRGdZRUFE"
    "aHdUZWJHazczNXlLaG04RHFDeHZObkVaME54c1lFWU9qZ1JHMXlYVGxXNXBFNjkxZlNINUFaK1Q2ZnB3cFpjV1k1UV"
    "lrb042RG53ak94R2tTZlFDMy95R21jVURLQlB3aVo1TzJzOUMrZkUxa1VFbnJYMlhlYTRhZ1ZuZ016UjhEUTZvT2F1"
    "TFdxZWhEQitnMkVOV1JMb1ZnUyttYTUvWWNzMEdUeXJFQ1k9Ig0KICAgIF0NCn0.ew0KICAgICJ2ZXJzaW9uIjogIj"
    "EuMC4wIiwNCiAgICAiaWQiOiAiMzNjZmY0MTYtZTMzMS00YzlkLTk2OWUtNTM3M2ExNzU2MTIwIiwNCiAgICAiYWN0"
    "b3IiOiB7DQogICAgICAgICJtYm94IjogIm1haWx0bzpleGFtcGxlQGV4YW1wbGUuY29tIiwNCiAgICAgICAgIm5hbW"
    "UiOiAiRXhhbXBsZSBMZWFybmVyIiwNCiAgICAgICAgIm9iamVjdFR5cGUiOiAiQWdlbnQiDQogICAgfSwNCiAgICAi"
    "dmVyYiI6IHsNCiAgICAgICAgImlkIjogImh0dHA6Ly9hZGxuZXQuZ292L2V4cGFwaS92ZXJicy9leHBlcmllbmNlZC"
    "IsDQogICAgICAgICJkaXNwbGF5Ijogew0KICAgICAgICAgICAgImVuLVVTIjogImV4cGVyaWVuY2VkIg0KICAgICAg"
    "ICB9DQogICAgfSwNCiAgICAib2JqZWN0Ijogew0KICAgICAgICAiaWQiOiAiaHR0cHM6Ly93d3cueW91dHViZS5jb2"
    "0vd2F0Y2g_dj14aDRrSWlIM1NtOCIsDQogICAgICAgICJvYmplY3RUeXBlIjogIkFjdGl2aXR5IiwNCiAgICAgICAg"
    "ImRlZmluaXRpb24iOiB7DQogICAgICAgICAgICAibmFtZSI6IHsNCiAgICAgICAgICAgICAgICAiZW4tVVMiOiAiVG"
    "F4IFRpcHMgJiBJbmZvcm1hdGlvbiA6IEhvdyB0byBGaWxlIGEgVGF4IFJldHVybiAiDQogICAgICAgICAgICB9LA0K"
    "ICAgICAgICAgICAgImRlc2NyaXB0aW9uIjogew0KICAgICAgICAgICAgICAgICJlbi1VUyI6ICJGaWxpbmcgYSB0YX"
    "ggcmV0dXJuIHdpbGwgcmVxdWlyZSBmaWxsaW5nIG91dCBlaXRoZXIgYSAxMDQwLCAxMDQwQSBvciAxMDQwRVogZm9y"
    "bSINCiAgICAgICAgICAgIH0NCiAgICAgICAgfQ0KICAgIH0sDQogICAgInRpbWVzdGFtcCI6ICIyMDEzLTA0LTAxVD"
    "EyOjAwOjAwWiINCn0.FWuwaPhwUbkk7h9sKW5zSvjsYNugvxJ-TrVaEgt_DCUT0bmKhQScRrjMB6P9O50uznPwT66o"
    "F1NnU_G0HVhRzS5voiXE-y7tT3z0M3-8A6YK009Bk_digVUul-HA4Fpd5IjoBBGe3yzaQ2ZvzarvRuipvNEQCI0onp"
    "fuZZJQ0d8";

// The statement as the LRS receives it: the signed one plus the signature's
// attachment metadata.
json::value Received(std::string_view statement_json, std::string_view jws) {
  json::value s = json::parse(statement_json);
  s.get_object()["attachments"] = json::array{json::object{
      {"usageType", kSignatureUsageType},
      {"display", json::object{{"en-US", "Signature"}}},
      {"contentType", "application/octet-stream"},
      {"length", jws.size()},
      {"sha2", Sha256Hex(jws)},
  }};
  return s;
}

std::string X5cHeader(std::string_view alg, const TestSigner& signer) {
  return json::serialize(json::object{{"alg", alg}, {"x5c", json::array{signer.CertBase64()}}});
}

std::string AlgHeader(std::string_view alg) { return json::serialize(json::object{{"alg", alg}}); }

// Replaces one of the three dot-separated segments of a compact JWS.
std::string WithSegment(std::string_view jws, int index, std::string_view replacement) {
  size_t d1 = jws.find('.'), d2 = jws.find('.', d1 + 1);
  std::string parts[3] = {std::string(jws.substr(0, d1)),
                          std::string(jws.substr(d1 + 1, d2 - d1 - 1)),
                          std::string(jws.substr(d2 + 1))};
  parts[index] = std::string(replacement);
  return parts[0] + "." + parts[1] + "." + parts[2];
}

class SignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signer_ = new TestSigner(TestSigner::Make(2048));
    other_ = new TestSigner(TestSigner::Make(1024));
  }
  static void TearDownTestSuite() {
    delete signer_;
    delete other_;
  }

  // Verifies `jws` against kStatement (plus its signature attachment).
  static Status Verify(std::string_view jws) {
    return VerifySignedStatement(Received(kStatement, jws), jws);
  }

  static void ExpectRejected(const Status& s, std::string_view needle) {
    ASSERT_FALSE(s.ok()) << "expected rejection naming: " << needle;
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument));
    EXPECT_EQ(s.message().rfind("signature: ", 0), 0u) << s.message();
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left non-empty";
  }

  static TestSigner* signer_;
  static TestSigner* other_;
};

TestSigner* SignatureTest::signer_ = nullptr;
TestSigner* SignatureTest::other_ = nullptr;

// ---------------------------------------------------------------------------
// Accepted

TEST_F(SignatureTest, ValidRsAlgorithmsWithX5cAccepted) {
  for (std::string_view alg : {"RS256", "RS384", "RS512"}) {
    std::string jws = MakeJws(*signer_, X5cHeader(alg, *signer_), kStatement, alg);
    Status s = Verify(jws);
    EXPECT_TRUE(s.ok()) << alg << ": " << s.message();
  }
}

// The conformance suite signs without x5c and expects 200 (see signature.cpp).
TEST_F(SignatureTest, ValidRsAlgorithmsWithoutX5cAccepted) {
  for (std::string_view alg : {"RS256", "RS384", "RS512"}) {
    std::string jws = MakeJws(*signer_, AlgHeader(alg), kStatement, alg);
    Status s = Verify(jws);
    EXPECT_TRUE(s.ok()) << alg << ": " << s.message();
  }
}

// Appendix D: CRLF-formatted payload, a two-certificate x5c chain, a 1024-bit
// key and a certificate that expired in 2014 -- verification still applies.
TEST_F(SignatureTest, SpecAppendixDExampleAccepted) {
  constexpr std::string_view kSigned = R"({
    "version": "1.0.0",
    "id": "33cff416-e331-4c9d-969e-5373a1756120",
    "actor": {"mbox": "mailto:example@example.com", "name": "Example Learner",
              "objectType": "Agent"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced",
             "display": {"en-US": "experienced"}},
    "object": {
      "id": "https://www.youtube.com/watch?v=xh4kIiH3Sm8",
      "objectType": "Activity",
      "definition": {
        "name": {"en-US": "Tax Tips & Information : How to File a Tax Return "},
        "description": {"en-US": "Filing a tax return will require filling out either a 1040, 1040A or 1040EZ form"}
      }
    },
    "timestamp": "2013-04-01T12:00:00Z"
  })";
  Status s = VerifySignedStatement(Received(kSigned, kSpecExampleJws), kSpecExampleJws);
  EXPECT_TRUE(s.ok()) << s.message();
  // One flipped bit in the signature must fail against the embedded certificate.
  std::string bad(kSpecExampleJws);
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  ExpectRejected(VerifySignedStatement(Received(kSigned, bad), bad), "does not verify");
}

TEST_F(SignatureTest, LrsAssignedPropertiesAndKeyOrderIgnored) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS256");
  json::value received = Received(kStatement, jws);
  json::object& o = received.get_object();
  o["id"] = "FD41C918-B88B-4B20-A0A5-A4C32391AAA0";  // same UUID, other case
  o["stored"] = "2024-05-01T12:00:01.000Z";
  o["version"] = "1.0.3";
  o["authority"] = json::object{{"objectType", "Agent"}, {"mbox", "mailto:lrs@example.com"}};
  o["timestamp"] = "2024-05-01T14:00:00+02:00";             // same instant
  o["result"] = json::object{{"duration", "PT1H0.1299S"}};  // same to 0.01 s
  EXPECT_TRUE(VerifySignedStatement(received, jws).ok());
}

TEST_F(SignatureTest, PayloadWithoutIdOrTimestampAccepted) {
  json::value payload = json::parse(kStatement);
  payload.get_object().erase("id");
  payload.get_object().erase("timestamp");
  std::string jws =
      MakeJws(*signer_, X5cHeader("RS256", *signer_), json::serialize(payload), "RS256");
  // The LRS has since assigned both.
  EXPECT_TRUE(VerifySignedStatement(Received(kStatement, jws), jws).ok());
}

TEST_F(SignatureTest, SurroundingWhitespaceTolerated) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS256");
  EXPECT_TRUE(VerifySignedStatement(Received(kStatement, jws), jws + "\r\n").ok());
}

// ---------------------------------------------------------------------------
// Rejected: algorithm

TEST_F(SignatureTest, DisallowedAlgorithmsRejected) {
  // HS256 as the suite sends it: an HMAC, whatever the key.
  std::string input = Base64UrlEncode(AlgHeader("HS256")) + "." + Base64UrlEncode(kStatement);
  ExpectRejected(Verify(input + "." + Base64UrlEncode(std::string(32, 'h'))),
                 "alg 'HS256' is not allowed");
  // Unsecured JWS.
  input = Base64UrlEncode(AlgHeader("none")) + "." + Base64UrlEncode(kStatement);
  ExpectRejected(Verify(input + "."), "alg 'none' is not allowed");
  // RSA-PSS and lowercase spellings are not RS*.
  for (std::string_view alg : {"PS256", "rs256", "ES256"}) {
    ExpectRejected(Verify(MakeJws(*signer_, AlgHeader(alg), kStatement, "RS256")),
                   "is not allowed");
  }
}

TEST_F(SignatureTest, MissingOrNonStringAlgRejected) {
  ExpectRejected(Verify(MakeJws(*signer_, R"({"typ":"JWT"})", kStatement, "RS256")), "no alg");
  ExpectRejected(Verify(MakeJws(*signer_, R"({"alg":256})", kStatement, "RS256")), "no alg");
}

TEST_F(SignatureTest, AlgDigestMismatchRejected) {
  // Header says RS256 but the bytes were signed with SHA-512.
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS512");
  ExpectRejected(Verify(jws), "does not verify");
}

TEST_F(SignatureTest, CriticalExtensionsRejected) {
  std::string header = R"({"alg":"RS256","b64":false,"crit":["b64"]})";
  ExpectRejected(Verify(MakeJws(*signer_, header, kStatement, "RS256")), "crit");
}

// ---------------------------------------------------------------------------
// Rejected: signature does not verify

TEST_F(SignatureTest, TamperedPayloadRejected) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS256");
  json::value changed = json::parse(kStatement);
  changed.get_object()["verb"].get_object()["id"] = "http://adlnet.gov/expapi/verbs/failed";
  std::string tampered = WithSegment(jws, 1, Base64UrlEncode(json::serialize(changed)));
  // Against the tampered statement, so only the signature check can fail.
  Status s = VerifySignedStatement(Received(json::serialize(changed), tampered), tampered);
  ExpectRejected(s, "does not verify with the x5c[0] certificate");
}

TEST_F(SignatureTest, TamperedSignatureRejected) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS384", *signer_), kStatement, "RS384");
  std::string sig = *Base64Decode(jws.substr(jws.rfind('.') + 1), true);
  sig[10] ^= 0x01;
  ExpectRejected(Verify(WithSegment(jws, 2, Base64UrlEncode(sig))), "does not verify");
}

TEST_F(SignatureTest, CertificateOfAnotherKeyRejected) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *other_), kStatement, "RS256");
  ExpectRejected(Verify(jws), "does not verify");
}

// ---------------------------------------------------------------------------
// Rejected: malformed serialization

TEST_F(SignatureTest, NotCompactSerializationRejected) {
  std::string jws = MakeJws(*signer_, AlgHeader("RS256"), kStatement, "RS256");
  ExpectRejected(Verify(""), "compact serialization");
  ExpectRejected(Verify("abc"), "compact serialization");
  ExpectRejected(Verify(jws.substr(0, jws.rfind('.'))), "compact serialization");
  ExpectRejected(Verify(jws + ".x"), "compact serialization");
  ExpectRejected(Verify(R"({"payload":"e30","signatures":[]})"), "JSON serialization");
}

TEST_F(SignatureTest, BadBase64Rejected) {
  std::string jws = MakeJws(*signer_, AlgHeader("RS256"), kStatement, "RS256");
  ExpectRejected(Verify(WithSegment(jws, 0, "eyJ!")), "header is not valid base64url");
  ExpectRejected(Verify(WithSegment(jws, 1, "e30+")), "payload is not valid base64url");
  ExpectRejected(Verify(WithSegment(jws, 2, "a/b*")), "signature is not valid base64url");
  ExpectRejected(Verify(WithSegment(jws, 2, "A")), "signature is not valid base64url");
  ExpectRejected(Verify(WithSegment(jws, 2, "")), "signature is empty");
}

TEST_F(SignatureTest, HeaderNotJsonObjectRejected) {
  std::string jws = MakeJws(*signer_, AlgHeader("RS256"), kStatement, "RS256");
  ExpectRejected(Verify(WithSegment(jws, 0, Base64UrlEncode("{alg:RS256"))),
                 "header is not a JSON object");
  ExpectRejected(Verify(WithSegment(jws, 0, Base64UrlEncode(R"(["RS256"])"))),
                 "header is not a JSON object");
}

// The suite's "breakJson": the first '"' of the serialized statement is
// replaced by a "'", and the result signed as the payload.
TEST_F(SignatureTest, PayloadNotJsonRejected) {
  std::string broken = json::serialize(json::parse(kStatement));
  broken[broken.find('"')] = '\'';
  for (std::string_view alg : {"RS256", "RS512"}) {
    ExpectRejected(Verify(MakeJws(*signer_, AlgHeader(alg), broken, alg)),
                   "payload is not valid JSON");
    ExpectRejected(Verify(MakeJws(*signer_, X5cHeader(alg, *signer_), broken, alg)),
                   "payload is not valid JSON");
  }
  ExpectRejected(Verify(MakeJws(*signer_, AlgHeader("RS256"), "[1,2]", "RS256")),
                 "payload is not a JSON statement object");
}

TEST_F(SignatureTest, ImplausibleSignatureLengthWithoutX5cRejected) {
  std::string input = Base64UrlEncode(AlgHeader("RS256")) + "." + Base64UrlEncode(kStatement);
  ExpectRejected(Verify(input + "." + Base64UrlEncode("short")), "not that of an RSA signature");
}

// ---------------------------------------------------------------------------
// Rejected: payload is not this statement

TEST_F(SignatureTest, PayloadDifferingFromStatementRejected) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS256");
  json::value received = Received(kStatement, jws);
  received.get_object()["verb"].get_object()["id"] = "http://adlnet.gov/expapi/verbs/failed";
  ExpectRejected(VerifySignedStatement(received, jws), "not the same statement");
  // Also without x5c: the comparison does not depend on a key.
  jws = MakeJws(*signer_, AlgHeader("RS256"), kStatement, "RS256");
  received = Received(kStatement, jws);
  received.get_object()["result"] = json::object{{"success", true}};
  ExpectRejected(VerifySignedStatement(received, jws), "not the same statement");
}

TEST_F(SignatureTest, PayloadIdDifferingFromStatementIdRejected) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS256");
  json::value received = Received(kStatement, jws);
  received.get_object()["id"] = "0b4f9a0e-6d0c-4a0b-9b8e-2f1d7f7f0001";
  ExpectRejected(VerifySignedStatement(received, jws), "id differs");
}

TEST_F(SignatureTest, StatementNotObjectRejected) {
  std::string jws = MakeJws(*signer_, AlgHeader("RS256"), kStatement, "RS256");
  ExpectRejected(VerifySignedStatement(json::value("x"), jws), "not a JSON object");
}

// ---------------------------------------------------------------------------
// Rejected: malformed certificate

TEST_F(SignatureTest, MalformedX5cRejected) {
  std::string cert = signer_->CertBase64();
  std::string der = *Base64Decode(cert);
  struct Case {
    json::value x5c;
    std::string_view message;
  } cases[] = {
      {json::value("MIIB"), "non-empty array"},
      {json::array{}, "non-empty array"},
      {json::array{42}, "non-empty array"},
      {json::array{cert, 7}, "non-empty array"},
      {json::array{"not base64!"}, "x5c[0] is not valid base64"},
      {json::array{""}, "x5c[0] is not valid base64"},
      {json::array{Base64Encode("garbage that is no certificate")}, "not a DER X.509"},
      {json::array{Base64Encode(der.substr(0, der.size() / 2))}, "not a DER X.509"},
      {json::array{Base64Encode(der + "x")}, "not a DER X.509"},
  };
  for (const auto& c : cases) {
    std::string header = json::serialize(json::object{{"alg", "RS256"}, {"x5c", c.x5c}});
    ExpectRejected(Verify(MakeJws(*signer_, header, kStatement, "RS256")), c.message);
  }
}

TEST_F(SignatureTest, NonRsaCertificateRejected) {
  // A self-signed EC certificate: well formed, but RS256 needs an RSA key.
  std::unique_ptr<EVP_PKEY, testing::PkeyFree> ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(ec);
  std::unique_ptr<X509, testing::X509Free> x(X509_new());
  X509_set_version(x.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), ec.get());
  ASSERT_GT(X509_sign(x.get(), ec.get(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  ASSERT_GT(len, 0);
  std::string b64 = Base64Encode(std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_free(der);
  std::string header = json::serialize(json::object{{"alg", "RS256"}, {"x5c", json::array{b64}}});
  ExpectRejected(Verify(MakeJws(*signer_, header, kStatement, "RS256")),
                 "does not hold an RSA public key");
}

// ---------------------------------------------------------------------------
// Robustness: mutated inputs never crash and fail only with InvalidArgument.

TEST_F(SignatureTest, RandomMutationsNeverCrash) {
  std::string jws = MakeJws(*signer_, X5cHeader("RS256", *signer_), kStatement, "RS256");
  json::value received = Received(kStatement, jws);
  std::mt19937 rng(12345);
  for (int i = 0; i < 500; ++i) {
    std::string m = jws;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          m.erase(at, 1 + rng() % 8);
          break;
        default:
          m.insert(at, 1, "._-=A{\"\0"[rng() % 8]);
          break;
      }
      if (m.empty()) m = ".";
    }
    Status s = VerifySignedStatement(received, m);
    if (!s.ok()) {
      EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << s.message();
    }
    EXPECT_EQ(ERR_peek_error(), 0u);
  }
}

}  // namespace
}  // namespace lrs::xapi
