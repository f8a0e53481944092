// Tests for RewriteAlternateRequest (lrs/http/alternate_syntax.h): the xAPI
// 1.0.3 alternate request syntax, a form POST standing for another request.
#include "lrs/http/alternate_syntax.h"

#include <gtest/gtest.h>

#include <memory>

namespace lrs::http {
namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded";
constexpr std::string_view kId = "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10";

// A POST to /xapi/statements?<query> with a form body, and its context.
struct AltRequest {
  AltRequest(std::string_view query, std::string body, std::string_view content_type = kForm)
      : request(bhttp::verb::post, "/xapi/statements?" + std::string(query), 11) {
    request.set(bhttp::field::host, "lrs.example.org");
    if (!content_type.empty()) request.set(bhttp::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    auto params = QueryParams::Parse(query);
    EXPECT_TRUE(params.ok());
    ctx = std::make_unique<RequestContext>(RequestContext{
        request, "/xapi/statements", std::move(*params), xapi::Version::k103, {}, nullptr, false});
  }

  Request request;
  std::unique_ptr<RequestContext> ctx;
};

std::string Form(std::vector<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += PercentEncode(k) + "=" + PercentEncode(v);
  }
  return out;
}

TEST(AlternateSyntaxTest, PutStatementIsRewritten) {
  const std::string content =
      R"({"actor":{"mbox":"mailto:ada@example.org"},"verb":{"id":"http://example.org/v"},)"
      R"("object":{"id":"http://example.org/a"}})";
  AltRequest alt("method=PUT", Form({{"statementId", std::string(kId)},
                                     {"content", content},
                                     {"Authorization", "Basic dXNlcjpwYXNz"},
                                     {"X-Experience-API-Version", "1.0.3"},
                                     {"Content-Type", "application/json"}}));
  Status s = RewriteAlternateRequest(*alt.ctx);
  ASSERT_TRUE(s.ok()) << s.message();
  const Request& req = alt.request;
  EXPECT_EQ(req.method(), bhttp::verb::put);
  EXPECT_EQ(req.body(), content);
  EXPECT_EQ(req[bhttp::field::authorization], "Basic dXNlcjpwYXNz");
  EXPECT_EQ(req["X-Experience-API-Version"], "1.0.3");
  EXPECT_EQ(req[bhttp::field::content_type], "application/json");
  EXPECT_EQ(req[bhttp::field::content_length], std::to_string(content.size()));
  EXPECT_TRUE(alt.ctx->alternate);
  // The query parameters now come from the form; `method` is gone.
  ASSERT_EQ(alt.ctx->params.items().size(), 1u);
  EXPECT_EQ(*alt.ctx->params.Find("statementId"), kId);
  EXPECT_EQ(alt.ctx->params.Find("method"), nullptr);
  EXPECT_EQ(alt.ctx->params.Find("content"), nullptr);
  EXPECT_EQ(alt.ctx->params.Find("Authorization"), nullptr);
}

TEST(AlternateSyntaxTest, GetWithQueryParametersInTheForm) {
  AltRequest alt("method=GET", Form({{"verb", "http://adlnet.gov/expapi/verbs/completed"},
                                     {"limit", "5"},
                                     {"authorization", "Basic abc"},
                                     {"x-experience-api-version", "1.0.3"}}));
  Status s = RewriteAlternateRequest(*alt.ctx);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(alt.request.method(), bhttp::verb::get);
  EXPECT_TRUE(alt.request.body().empty());
  // Header names in the form are case-insensitive.
  EXPECT_EQ(alt.request[bhttp::field::authorization], "Basic abc");
  EXPECT_EQ(alt.request["X-Experience-API-Version"], "1.0.3");
  ASSERT_EQ(alt.ctx->params.items().size(), 2u);
  EXPECT_EQ(*alt.ctx->params.Find("verb"), "http://adlnet.gov/expapi/verbs/completed");
  EXPECT_EQ(*alt.ctx->params.Find("limit"), "5");
  // The form's own content type does not survive.
  EXPECT_NE(alt.request[bhttp::field::content_type], kForm);
}

TEST(AlternateSyntaxTest, ConcurrencyHeadersAreCopied) {
  AltRequest alt("method=PUT", Form({{"If-Match", "\"abc\""},
                                     {"If-None-Match", "*"},
                                     {"content", "{}"},
                                     {"Content-Type", "application/json"}}));
  ASSERT_TRUE(RewriteAlternateRequest(*alt.ctx).ok());
  EXPECT_EQ(alt.request[bhttp::field::if_match], "\"abc\"");
  EXPECT_EQ(alt.request[bhttp::field::if_none_match], "*");
  EXPECT_TRUE(alt.ctx->params.items().empty());
}

TEST(AlternateSyntaxTest, ContentLengthIsRecomputed) {
  AltRequest alt("method=POST", Form({{"content", "[1,2,3]"},
                                      {"Content-Length", "9999"},
                                      {"Content-Type", "application/json"}}));
  ASSERT_TRUE(RewriteAlternateRequest(*alt.ctx).ok());
  EXPECT_EQ(alt.request.method(), bhttp::verb::post);
  EXPECT_EQ(alt.request.body(), "[1,2,3]");
  EXPECT_EQ(alt.request[bhttp::field::content_length], "7");
  EXPECT_EQ(alt.ctx->params.Find("Content-Length"), nullptr);
}

TEST(AlternateSyntaxTest, ContentIsFormDecoded) {
  // '+' is a space in a form; %2B is a plus.
  AltRequest alt("method=PUT",
                 "content=%7B%22a%22%3A%22x+y%2Bz%22%7D&Content-Type=application%2Fjson");
  ASSERT_TRUE(RewriteAlternateRequest(*alt.ctx).ok());
  EXPECT_EQ(alt.request.body(), R"({"a":"x y+z"})");
}

TEST(AlternateSyntaxTest, OtherHeadersInTheFormStayParameters) {
  AltRequest alt("method=GET", Form({{"X-Forwarded-For", "1.2.3.4"}, {"Host", "evil.example"}}));
  ASSERT_TRUE(RewriteAlternateRequest(*alt.ctx).ok());
  EXPECT_EQ(alt.request["X-Forwarded-For"], "");
  EXPECT_EQ(alt.request[bhttp::field::host], "lrs.example.org");
  EXPECT_EQ(alt.ctx->params.items().size(), 2u);
}

TEST(AlternateSyntaxTest, FormContentTypeWithParametersAndCase) {
  AltRequest alt("method=DELETE", Form({{"stateId", "s1"}}),
                 "Application/X-WWW-Form-URLEncoded; charset=UTF-8");
  Status s = RewriteAlternateRequest(*alt.ctx);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(alt.request.method(), bhttp::verb::delete_);
  EXPECT_EQ(*alt.ctx->params.Find("stateId"), "s1");
}

TEST(AlternateSyntaxTest, HeadIsAllowed) {
  AltRequest alt("method=HEAD", "");
  ASSERT_TRUE(RewriteAlternateRequest(*alt.ctx).ok());
  EXPECT_EQ(alt.request.method(), bhttp::verb::head);
}

TEST(AlternateSyntaxTest, ExtraQueryParameterIsInvalid) {
  AltRequest alt("method=PUT&statementId=" + std::string(kId), Form({{"content", "{}"}}));
  Status s = RewriteAlternateRequest(*alt.ctx);
  EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << s.message();
  EXPECT_FALSE(alt.ctx->alternate);
  EXPECT_EQ(alt.request.method(), bhttp::verb::post);
}

TEST(AlternateSyntaxTest, RepeatedMethodIsInvalid) {
  AltRequest alt("method=PUT&method=GET", "");
  EXPECT_TRUE(RewriteAlternateRequest(*alt.ctx).Is(Status::Code::kInvalidArgument));
}

TEST(AlternateSyntaxTest, NonFormContentTypeIsInvalid) {
  for (std::string_view type :
       {"application/json", "multipart/form-data; boundary=x", "text/plain", ""}) {
    AltRequest alt("method=PUT", Form({{"content", "{}"}}), type);
    Status s = RewriteAlternateRequest(*alt.ctx);
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << "'" << type << "': " << s.message();
    EXPECT_NE(s.message().find("Content-Type"), std::string::npos) << s.message();
    EXPECT_EQ(alt.request.method(), bhttp::verb::post);
  }
}

TEST(AlternateSyntaxTest, UnknownMethodIsInvalid) {
  for (std::string_view m : {"PATCH", "OPTIONS", "CONNECT", "BREW", ""}) {
    AltRequest alt("method=" + std::string(m), "");
    Status s = RewriteAlternateRequest(*alt.ctx);
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << m;
    EXPECT_NE(s.message().find("method"), std::string::npos) << s.message();
  }
}

TEST(AlternateSyntaxTest, MalformedFormIsInvalid) {
  AltRequest alt("method=PUT", "content=%zz");
  Status s = RewriteAlternateRequest(*alt.ctx);
  EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << s.message();
  EXPECT_FALSE(alt.ctx->alternate);
}

}  // namespace
}  // namespace lrs::http
