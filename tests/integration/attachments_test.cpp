// Statements with attachments in multipart/mixed (Communication 1.5.2): the
// content goes in and comes back byte for byte, and a body whose parts and
// attachment metadata disagree is refused whole.
#include <map>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"
#include "tests/integration/multipart_util.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

constexpr char kBoundary[] = "it-boundary-9d2c41e7";
constexpr char kUsage[] = "http://example.com/attachment-usage/notes";

// Content meant to trip a sloppy parser or a text-mode path: NUL bytes, every
// byte value, bare CR/LF, and something that looks like a delimiter but is
// not ours.
std::string AwkwardContent() {
  std::string s = "notes\r\n--not-the-boundary\r\n\r\n";
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  s += std::string("\0\0\r\r\n\n", 6);
  return s;
}

json::object AttachmentMeta(const std::string& content, const std::string& sha2) {
  return json::object{{"usageType", kUsage},
                      {"display", json::object{{"en-US", "notes"}}},
                      {"contentType", "application/octet-stream"},
                      {"length", content.size()},
                      {"sha2", sha2}};
}

// A part after the first carries raw content with its hash header.
std::string MultipartBody(const json::value& statements,
                          const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string b = std::string("--") + kBoundary + "\r\nContent-Type: application/json\r\n\r\n" +
                  json::serialize(statements) + "\r\n";
  for (const auto& [hash, content] : parts) {
    b += std::string("--") + kBoundary +
         "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
         "X-Experience-API-Hash: " +
         hash + "\r\n\r\n" + content + "\r\n";
  }
  return b + "--" + kBoundary + "--\r\n";
}

HttpRequest MultipartPost(const std::string& body) {
  HttpRequest r;
  r.method = bhttp::verb::post;
  r.target = "/xapi/statements";
  r.content_type = std::string("multipart/mixed; boundary=") + kBoundary;
  r.body = body;
  return r;
}

class AttachmentsTest : public LrsTest {};

TEST_F(AttachmentsTest, ContentComesBackByteForByte) {
  const std::string content = AwkwardContent();
  const std::string sha2 = Sha256Hex(content);
  std::string id = NewUuid();
  json::object s = Statement();
  s["id"] = id;
  s["attachments"] = json::array{AttachmentMeta(content, sha2)};
  HttpResponse post = lrs_.Send(MultipartPost(MultipartBody(s, {{sha2, content}})));
  ASSERT_EQ(post.status, 200) << post;
  EXPECT_EQ(post.Json(), (json::array{json::string(id)}));

  HttpResponse res = lrs_.Get("/xapi/statements?statementId=" + id + "&attachments=true");
  ASSERT_EQ(res.status, 200) << res;
  std::string type = res.Header("Content-Type");
  ASSERT_EQ(type.rfind("multipart/mixed", 0), 0u) << res;
  std::vector<Part> parts = ParseMultipart(res.body, BoundaryOf(type));
  ASSERT_EQ(parts.size(), 2u) << res;
  EXPECT_EQ(parts[0].headers["content-type"].rfind("application/json", 0), 0u);
  json::value statement = json::parse(parts[0].body);
  EXPECT_EQ(statement.at("id").as_string(), id);
  EXPECT_EQ(statement.at("attachments").at(0).at("sha2").as_string(), sha2);
  EXPECT_EQ(parts[1].headers["x-experience-api-hash"], sha2);
  EXPECT_EQ(parts[1].body.size(), content.size());
  EXPECT_TRUE(parts[1].body == content) << "attachment content differs";

  // Without attachments=true the answer is plain JSON with the metadata only.
  HttpResponse plain = lrs_.Get("/xapi/statements?statementId=" + id);
  ASSERT_EQ(plain.status, 200) << plain;
  EXPECT_EQ(plain.Header("Content-Type").rfind("application/json", 0), 0u) << plain;
  EXPECT_EQ(plain.Json().at("attachments").at(0).at("length").to_number<size_t>(), content.size());
}

TEST_F(AttachmentsTest, QueryWithAttachmentsSendsEachContentOnce) {
  // Two statements in one batch share one attachment, sent once (1.5.2.s2.b2.b5).
  const std::string content = "shared attachment content";
  const std::string sha2 = Sha256Hex(content);
  json::array batch;
  for (int i = 0; i < 2; ++i) {
    json::object s = Statement("p" + std::to_string(i) + "@example.com");
    s["attachments"] = json::array{AttachmentMeta(content, sha2)};
    batch.push_back(s);
  }
  HttpResponse post = lrs_.Send(MultipartPost(MultipartBody(batch, {{sha2, content}})));
  ASSERT_EQ(post.status, 200) << post;

  HttpResponse res = lrs_.Get("/xapi/statements?attachments=true");
  ASSERT_EQ(res.status, 200) << res;
  std::vector<Part> parts = ParseMultipart(res.body, BoundaryOf(res.Header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u) << res;
  EXPECT_EQ(IdsOf(json::parse(parts[0].body)).size(), 2u);
  EXPECT_EQ(parts[1].headers["x-experience-api-hash"], sha2);
  EXPECT_EQ(parts[1].body, content);
}

TEST_F(AttachmentsTest, PartWhoseContentDoesNotMatchItsHashIs400) {
  const std::string content = "the real content";
  const std::string sha2 = Sha256Hex(content);
  std::string id = NewUuid();
  json::object s = Statement();
  s["id"] = id;
  s["attachments"] = json::array{AttachmentMeta(content, sha2)};
  // The part claims the declared hash but carries other bytes.
  HttpResponse res = lrs_.Send(MultipartPost(MultipartBody(s, {{sha2, "tampered content"}})));
  EXPECT_EQ(res.status, 400) << res;
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + id).status, 404);
}

TEST_F(AttachmentsTest, DeclaredAttachmentWithoutPartIs400) {
  const std::string content = "never sent";
  std::string id = NewUuid();
  json::object s = Statement();
  s["id"] = id;
  s["attachments"] = json::array{AttachmentMeta(content, Sha256Hex(content))};

  HttpResponse multipart = lrs_.Send(MultipartPost(MultipartBody(s, {})));
  EXPECT_EQ(multipart.status, 400) << multipart;
  EXPECT_NE(multipart.ErrorMessage().find("sha2"), std::string::npos) << multipart;
  // As application/json it lacks both a part and a fileUrl (1.5.2.s2.b1).
  HttpResponse plain = lrs_.PostJson("/xapi/statements", json::serialize(s));
  EXPECT_EQ(plain.status, 400) << plain;
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + id).status, 404);

  // In a batch, the statement without its part takes the good one down too.
  const std::string good = "good content";
  json::object with_part = Statement("ok@example.com");
  with_part["attachments"] = json::array{AttachmentMeta(good, Sha256Hex(good))};
  HttpResponse batch =
      lrs_.Send(MultipartPost(MultipartBody(json::array{with_part, s}, {{Sha256Hex(good), good}})));
  EXPECT_EQ(batch.status, 400) << batch;
  EXPECT_TRUE(QueryAll(lrs_, "/xapi/statements").empty());
}

TEST_F(AttachmentsTest, FileUrlAttachmentsNeedNoPart) {
  json::object s = Statement();
  json::object meta = AttachmentMeta("elsewhere", Sha256Hex("elsewhere"));
  meta["fileUrl"] = "https://files.example.com/notes.bin";
  s["attachments"] = json::array{meta};
  EXPECT_FALSE(PostStatement(lrs_, s).empty());
  // multipart/mixed without attachment parts is accepted too (1.5.2.s3.b9).
  HttpResponse res = lrs_.Send(MultipartPost(MultipartBody(s, {})));
  EXPECT_EQ(res.status, 200) << res;
}

TEST_F(AttachmentsTest, PutAcceptsMultipartToo) {
  const std::string content = "put content";
  const std::string sha2 = Sha256Hex(content);
  std::string id = NewUuid();
  json::object s = Statement();
  s["attachments"] = json::array{AttachmentMeta(content, sha2)};
  HttpRequest put = MultipartPost(MultipartBody(s, {{sha2, content}}));
  put.method = bhttp::verb::put;
  put.target = "/xapi/statements?statementId=" + id;
  HttpResponse res = lrs_.Send(put);
  ASSERT_EQ(res.status, 204) << res;
  HttpResponse got = lrs_.Get("/xapi/statements?statementId=" + id + "&attachments=true");
  ASSERT_EQ(got.status, 200) << got;
  std::vector<Part> parts = ParseMultipart(got.body, BoundaryOf(got.Header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u) << got;
  EXPECT_EQ(parts[1].body, content);
}

}  // namespace
}  // namespace lrs_it
