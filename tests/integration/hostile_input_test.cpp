// Requests crafted to break the store rather than to use it: each must be
// refused with a 4xx that names the problem, and leave the store serving.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;

using HostileInputTest = LrsTest;

TEST_F(HostileInputTest, NumberBeyondDoubleRangeIsRefusedAndQueriesStillServeValidJson) {
  std::string body = R"({"actor":{"mbox":"mailto:a@example.com"},
    "verb":{"id":"http://adlnet.gov/expapi/verbs/scored"},
    "object":{"id":"http://example.com/act"},
    "result":{"score":{"raw":1e400}}})";
  HttpResponse r = lrs_.Send(JsonRequest(bhttp::verb::post, "/xapi/statements", body));
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_NE(r.ErrorMessage().find("out of range"), std::string::npos) << r;

  PostStatement(lrs_, Statement());
  HttpResponse page = lrs_.Get("/xapi/statements?format=canonical");
  ASSERT_EQ(page.status, 200) << page;
  boost::json::error_code ec;
  boost::json::parse(page.body, ec);
  EXPECT_FALSE(ec) << page.body;
  EXPECT_EQ(page.body.find("Infinity"), std::string::npos);
}

TEST_F(HostileInputTest, DeeplyNestedExtensionIsStoredAndReadBack) {
  // 40 levels inside an extension: deeper than Boost.JSON's default of 32,
  // well within the store's limit.
  std::string nested = "0";
  for (int i = 0; i < 40; ++i) nested = "[" + nested + "]";
  std::string body = R"({"actor":{"mbox":"mailto:a@example.com"},
    "verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
    "object":{"id":"http://example.com/act"},
    "context":{"contextActivities":{"parent":{"id":"http://example.com/p",
      "definition":{"extensions":{"http://example.com/e":)" +
                     nested + "}}}}}}";
  HttpResponse r = lrs_.Send(JsonRequest(bhttp::verb::post, "/xapi/statements", body));
  ASSERT_EQ(r.status, 200) << r;
  std::string id(r.Json().as_array().at(0).as_string());
  HttpResponse ids = lrs_.Get("/xapi/statements?format=ids&statementId=" + id);
  EXPECT_EQ(ids.status, 200) << ids;
  // Re-sending the same statement is still recognised as the same.
  boost::json::parse_options deep;
  deep.max_depth = 64;
  boost::json::object again = boost::json::parse(body, {}, deep).as_object();
  again["id"] = id;
  HttpResponse put = lrs_.Send(JsonRequest(bhttp::verb::put, "/xapi/statements?statementId=" + id,
                                           boost::json::serialize(again)));
  EXPECT_EQ(put.status, 204) << put;
}

TEST_F(HostileInputTest, AlternateSyntaxCannotInjectResponseHeaders) {
  std::string agent = PercentEncode(R"({"mbox":"mailto:a@example.com"})");
  HttpRequest req;
  req.method = bhttp::verb::post;
  req.target = "/xapi/activities/state?method=PUT";
  req.content_type = "application/x-www-form-urlencoded";
  req.authorization.reset();
  req.version.reset();
  req.body = "Authorization=" + PercentEncode(BasicAuth(kAdminKey, kAdminSecret)) +
             "&X-Experience-API-Version=1.0.3" +
             "&Content-Type=" + PercentEncode("text/plain\r\nSet-Cookie: pwn=1") +
             "&activityId=" + PercentEncode("http://example.com/act") + "&agent=" + agent +
             "&stateId=s1&content=hello";
  HttpResponse r = lrs_.Send(req);
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_NE(r.ErrorMessage().find("Content-Type"), std::string::npos) << r;
  HttpResponse get =
      lrs_.Get("/xapi/activities/state?activityId=" + PercentEncode("http://example.com/act") +
               "&agent=" + agent + "&stateId=s1");
  EXPECT_EQ(get.status, 404) << get;
  EXPECT_TRUE(get.Header("Set-Cookie").empty());
}

TEST_F(HostileInputTest, AttachmentResponsesUseAFreshBoundary) {
  boost::json::object s = Statement();
  std::string id = PostStatement(lrs_, s);
  HttpResponse a = lrs_.Get("/xapi/statements?attachments=true&statementId=" + id);
  HttpResponse b = lrs_.Get("/xapi/statements?attachments=true&statementId=" + id);
  ASSERT_EQ(a.status, 200) << a;
  ASSERT_EQ(b.status, 200) << b;
  std::string type_a = a.Header("Content-Type"), type_b = b.Header("Content-Type");
  EXPECT_EQ(type_a.rfind("multipart/mixed; boundary=", 0), 0u) << type_a;
  EXPECT_NE(type_a, type_b);
}

TEST_F(HostileInputTest, InvalidUtf8InParametersIsRefused) {
  HttpResponse r = lrs_.Get("/xapi/activities?activityId=http://example.com/%FF%FE");
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_NE(r.ErrorMessage().find("UTF-8"), std::string::npos) << r;
  // The error names the parameter but does not echo the invalid bytes.
  EXPECT_EQ(r.body.find("\xFF"), std::string::npos);
  EXPECT_EQ(r.body.find('\xFF'), std::string::npos);
}

}  // namespace
}  // namespace lrs_it
