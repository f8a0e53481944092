// Tests for lrs/xapi/multipart: boundary extraction from Content-Type, body
// parsing (CRLF and LF framing, preamble/epilogue, binary content, the
// malformations the ADL conformance suite sends) and BuildMultipart round trips.
#include "lrs/xapi/multipart.h"

#include <gtest/gtest.h>

#include <string>

#include "lrs/base/encoding.h"

namespace lrs::xapi {
namespace {

constexpr std::string_view kBoundary = "-------314159265358979323846";

// Joins lines with `eol`, as the conformance suite assembles its bodies.
std::string Lines(std::initializer_list<std::string_view> lines, std::string_view eol = "\r\n") {
  std::string out;
  bool first = true;
  for (auto l : lines) {
    if (!first) out += eol;
    out += l;
    first = false;
  }
  return out;
}

std::string Dash(std::string_view b = kBoundary) { return "--" + std::string(b); }

void ExpectInvalid(const Result<std::vector<MultipartPart>>& r, std::string_view needle) {
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().Is(Status::Code::kInvalidArgument));
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
}

// ---------------------------------------------------------------------------
// MultipartBoundary

TEST(MultipartBoundaryTest, BareToken) {
  auto b = MultipartBoundary("multipart/mixed; boundary=-------314159265358979323846");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(*b, kBoundary);
}

TEST(MultipartBoundaryTest, QuotedWithSpacesAndOtherParams) {
  auto b = MultipartBoundary("Multipart/Mixed ; charset=utf-8; BOUNDARY=\"a b;c\\\"d\" ; x=y");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(*b, "a b;c\"d");
}

TEST(MultipartBoundaryTest, TrailingWhitespaceOfBareTokenIgnored) {
  auto b = MultipartBoundary("multipart/mixed; boundary=abc  ");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "abc");
}

TEST(MultipartBoundaryTest, Rejections) {
  struct Case {
    std::string_view content_type;
    std::string_view message;
  } cases[] = {
      {"multipart/mixed;", "missing boundary"},
      {"multipart/mixed", "missing boundary"},
      {"multipart/form-data; boundary=abc", "expected multipart/mixed"},
      {"application/json", "expected multipart/mixed"},
      {"", "expected multipart/mixed"},
      {"multipart/mixed; boundary=", "boundary is empty"},
      {"multipart/mixed; boundary=\"\"", "boundary is empty"},
      {"multipart/mixed; boundary=\"abc", "unterminated"},
      {"multipart/mixed; boundary=\"abc\"def", "text after"},
      {"multipart/mixed; boundary=a; boundary=b", "twice"},
      {"multipart/mixed; boundary=\"ab \"", "ends with a space"},
      {"multipart/mixed; boundary=\"a\rb\"", "control character"},
  };
  for (const auto& c : cases) {
    auto b = MultipartBoundary(c.content_type);
    ASSERT_FALSE(b.ok()) << c.content_type;
    EXPECT_TRUE(b.status().Is(Status::Code::kInvalidArgument));
    EXPECT_NE(b.status().message().find(c.message), std::string::npos)
        << c.content_type << " -> " << b.status().message();
  }
}

TEST(MultipartBoundaryTest, OverlongBoundaryRejected) {
  auto b = MultipartBoundary("multipart/mixed; boundary=" + std::string(201, 'x'));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("longer than"), std::string::npos);
}

// ---------------------------------------------------------------------------
// ParseMultipart: accepted bodies

// The shape of the conformance suite's attachment requests.
TEST(MultipartParseTest, CrlfStatementAndAttachment) {
  std::string body =
      Lines({Dash(), "Content-Type: application/json", "", R"({"a":1})", Dash(),
             "Content-Type: text/plain", "Content-Transfer-Encoding: binary",
             "X-Experience-API-Hash: abc123", "", "hello\r\nworld", Dash() + "--", ""});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].headers.at("content-type"), "application/json");
  EXPECT_EQ((*parts)[0].body, R"({"a":1})");
  EXPECT_EQ((*parts)[1].headers.at("content-type"), "text/plain");
  EXPECT_EQ((*parts)[1].headers.at("content-transfer-encoding"), "binary");
  EXPECT_EQ((*parts)[1].headers.at("x-experience-api-hash"), "abc123");
  EXPECT_EQ((*parts)[1].body, "hello\r\nworld");
}

// The suite's signed-statement body: leading CRLF, no space after colons,
// closing delimiter without a final line break.
TEST(MultipartParseTest, SignedStatementShape) {
  std::string body =
      "\r\n" + Lines({Dash(), "Content-Type:application/json", "", "{}", Dash(),
                      "Content-Type:application/octet-stream", "Content-Transfer-Encoding:binary",
                      "X-Experience-API-Hash:00ff", "", "a.b.c", Dash() + "--"});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, "{}");
  EXPECT_EQ((*parts)[1].headers.at("content-type"), "application/octet-stream");
  EXPECT_EQ((*parts)[1].headers.at("x-experience-api-hash"), "00ff");
  EXPECT_EQ((*parts)[1].body, "a.b.c");
}

TEST(MultipartParseTest, LfLineEnds) {
  std::string body = Lines({Dash(), "Content-Type: application/json", "", "{}", Dash(),
                            "Content-Type: text/plain", "", "x\r", Dash() + "--"},
                           "\n");
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, "{}");
  // With LF framing a trailing CR is content, not framing.
  EXPECT_EQ((*parts)[1].body, "x\r");
}

TEST(MultipartParseTest, LfHeaderLinesInsideCrlfFraming) {
  std::string body =
      Dash() + "\r\nContent-Type: application/json\nX-A: 1\n\n{}\r\n" + Dash() + "--\r\n";
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].headers.at("x-a"), "1");
  EXPECT_EQ((*parts)[0].body, "{}");
}

TEST(MultipartParseTest, PreambleEpilogueAndTransportPadding) {
  std::string body =
      Lines({"This is a preamble.", "--not-it", Dash() + " \t", "Content-Type: application/json",
             "", "{}", Dash() + "--  ", "epilogue", Dash(), "garbage"});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "{}");
}

TEST(MultipartParseTest, HeaderNamesLowercasedValuesTrimmedFoldingJoined) {
  std::string body = Lines({Dash(), "CONTENT-type:   text/plain;\t", "X-Long: first", "\tsecond",
                            "", "", Dash() + "--"});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].headers.at("content-type"), "text/plain;");
  EXPECT_EQ((*parts)[0].headers.at("x-long"), "first second");
  EXPECT_EQ((*parts)[0].body, "");
}

// RFC 2046: a part may end right after its header lines; the CRLF that then
// precedes the delimiter belongs to the delimiter, so the part has no content.
TEST(MultipartParseTest, PartWithHeadersOnly) {
  std::string body = Lines({Dash(), "Content-Type: text/plain", "", Dash() + "--"});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].headers.at("content-type"), "text/plain");
  EXPECT_EQ((*parts)[0].body, "");
}

TEST(MultipartParseTest, BinaryContentWithCrLfNulAndNearBoundaries) {
  std::string content("\r\n\0\xff--", 6);
  content += "\r\n-" + std::string(kBoundary);  // one dash short of a delimiter
  content += "\n" + Dash();                     // bare LF: not CRLF framing
  content += "\r\n\r\n";                        // content ends in line breaks
  std::string body =
      Lines({Dash(), "Content-Type: application/octet-stream", "", content, Dash() + "--"});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, content);
}

// ---------------------------------------------------------------------------
// ParseMultipart: rejected bodies

TEST(MultipartParseTest, MissingClosingDelimiter) {
  std::string body = Lines({Dash(), "Content-Type: application/json", "", "{}"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "missing closing delimiter");
  // Truncated right after a boundary.
  ExpectInvalid(ParseMultipart(body + "\r\n" + Dash(), kBoundary), "missing closing delimiter");
}

TEST(MultipartParseTest, NoOpeningDelimiter) {
  // XAPI-00131: the first part is sent without a boundary line before it.
  // The text before the first delimiter is preamble, so only the attachment
  // part is returned (and the caller rejects a first part that is not JSON).
  std::string body = Lines({"Content-Type: application/json", "", "{}", Dash(),
                            "Content-Type: text/plain", "", "x", Dash() + "--"});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].headers.at("content-type"), "text/plain");
  ExpectInvalid(ParseMultipart("Content-Type: application/json\r\n\r\n{}", kBoundary),
                "opening boundary delimiter");
  ExpectInvalid(ParseMultipart("", kBoundary), "opening boundary delimiter");
  // Boundary text not at the start of a line is not a delimiter.
  ExpectInvalid(ParseMultipart("x" + Dash() + "\r\n", kBoundary), "opening boundary delimiter");
}

TEST(MultipartParseTest, NoParts) {
  ExpectInvalid(ParseMultipart(Dash() + "--\r\n", kBoundary), "has no parts");
}

TEST(MultipartParseTest, MissingHeaders) {
  // A blank line straight after the boundary: the part has no headers.
  std::string body = Lines({Dash(), "", "{}", Dash() + "--"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "part 1: has no headers");
  // Headers present but no Content-Type.
  body = Lines({Dash(), "X-Experience-API-Hash: ab", "", "x", Dash() + "--"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "part 1: missing Content-Type");
  // Completely empty part between two delimiters.
  body = Lines({Dash(), "Content-Type: a/b", "", "x", Dash(), Dash() + "--"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "part 2: is empty");
}

TEST(MultipartParseTest, MalformedHeaders) {
  struct Case {
    std::string header_block;
    std::string_view message;
  } cases[] = {
      {"Content-Type application/json", "without ':'"},
      {": no-name", "invalid header name"},
      {"Bad Name: x", "invalid header name"},
      {" folded: first", "starts with a folded line"},
      {"Content-Type: a\rb", "control character"},
      {"Content-Type: a/b\r\ncontent-type: c/d", "duplicate header"},
  };
  for (const auto& c : cases) {
    std::string body = Dash() + "\r\n" + c.header_block + "\r\n\r\nx\r\n" + Dash() + "--";
    ExpectInvalid(ParseMultipart(body, kBoundary), c.message);
  }
}

TEST(MultipartParseTest, HeadersNotTerminated) {
  // The last header line's own line break is missing: the delimiter's CRLF
  // cannot serve both.
  std::string body = Lines({Dash(), "Content-Type: text/plain", Dash() + "--"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "part 1: headers are not ended");
  body = Lines({Dash(), "Content-Type: text/plain", "X-A: 1", Dash() + "--"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "part 1: headers are not ended");
}

TEST(MultipartParseTest, TooManyHeaders) {
  std::string block;
  for (int i = 0; i < 65; ++i) block += "X-H" + std::to_string(i) + ": v\r\n";
  std::string body = Dash() + "\r\n" + block + "\r\nx\r\n" + Dash() + "--";
  ExpectInvalid(ParseMultipart(body, kBoundary), "too many headers");
}

TEST(MultipartParseTest, DelimiterFollowedByText) {
  std::string body = Lines({Dash() + "X", "Content-Type: a/b", "", "x", Dash() + "--"});
  ExpectInvalid(ParseMultipart(body, kBoundary), "text after a boundary delimiter");
}

TEST(MultipartParseTest, MixedFramingLineEnds) {
  std::string body = Dash() + "\r\nContent-Type: a/b\r\n\r\nx\n" + Dash() + "--\n";
  ExpectInvalid(ParseMultipart(body, kBoundary), "mix CRLF and LF");
  body = Dash() + "\nContent-Type: a/b\n\nx\n" + Dash() + "\r\nContent-Type: a/b\n\ny\n" + Dash() +
         "--";
  ExpectInvalid(ParseMultipart(body, kBoundary), "mix CRLF and LF");
}

TEST(MultipartParseTest, InvalidBoundaryArgument) {
  ExpectInvalid(ParseMultipart("--\r\n", ""), "boundary is empty");
}

// Every prefix of a valid body must be handled without reading past it: the
// cheap stand-in for a fuzzer that the sanitizer build makes meaningful.
TEST(MultipartParseTest, EveryTruncationIsRejectedOrParsed) {
  std::string body = BuildMultipart(kBoundary, "{\"a\":1}", {{"text/plain", "ab", "hi\r\n"}});
  for (size_t n = 0; n <= body.size(); ++n) {
    std::string prefix = body.substr(0, n);  // own buffer, so ASan sees overreads
    auto parts = ParseMultipart(prefix, kBoundary);
    if (!parts.ok()) {
      EXPECT_TRUE(parts.status().Is(Status::Code::kInvalidArgument)) << n;
    }
  }
}

// ---------------------------------------------------------------------------
// BuildMultipart

TEST(MultipartBuildTest, RoundTrip) {
  std::string binary("\r\n\0\x01\xfe\xff--\r\n", 10);
  std::vector<Attachment> attachments = {
      {"text/plain; charset=utf-8", Sha256Hex("hello"), "hello"},
      {"application/octet-stream", Sha256Hex(binary), binary},
      {"text/plain", Sha256Hex(""), ""},
  };
  const std::string json = R"({"id":"x","attachments":[]})";
  std::string body = BuildMultipart(kBoundary, json, attachments);
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[0].headers.at("content-type"), "application/json");
  EXPECT_EQ((*parts)[0].body, json);
  for (size_t i = 0; i < attachments.size(); ++i) {
    const auto& p = (*parts)[i + 1];
    EXPECT_EQ(p.headers.at("content-type"), attachments[i].content_type);
    EXPECT_EQ(p.headers.at("content-transfer-encoding"), "binary");
    EXPECT_EQ(p.headers.at("x-experience-api-hash"), attachments[i].sha2);
    EXPECT_EQ(p.body, attachments[i].content);
  }
}

TEST(MultipartBuildTest, BoundaryFromContentTypeRoundTrip) {
  auto b = MultipartBoundary("multipart/mixed; boundary=\"" + std::string(kBoundary) + "\"");
  ASSERT_TRUE(b.ok());
  auto parts = ParseMultipart(BuildMultipart(*b, "[]", {}), *b);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "[]");
}

TEST(MultipartBuildTest, ControlCharactersCannotInjectHeaders) {
  std::string body = BuildMultipart(kBoundary, "{}", {{"text/plain\r\nX-Evil: 1", "ab\ncd", "x"}});
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[1].headers.count("x-evil"), 0u);
  EXPECT_EQ((*parts)[1].headers.at("content-type"), "text/plainX-Evil: 1");
  EXPECT_EQ((*parts)[1].headers.at("x-experience-api-hash"), "abcd");
}

}  // namespace
}  // namespace lrs::xapi
