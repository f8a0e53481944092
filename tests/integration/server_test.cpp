// The HTTP surface every endpoint shares: the open /about resource,
// authentication, the version header, CORS, keep-alive and shutdown.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class ServerTest : public LrsTest {};

TEST_F(ServerTest, AboutNeedsNoCredentialsAndListsBothVersions) {
  HttpRequest r;
  r.target = "/xapi/about";
  r.authorization.reset();
  r.version.reset();
  HttpResponse res = lrs_.Send(r);
  ASSERT_EQ(res.status, 200) << res;
  json::value about = res.Json();
  ASSERT_TRUE(about.is_object()) << res;
  std::vector<std::string> versions;
  for (const auto& v : about.at("version").as_array()) versions.emplace_back(v.as_string());
  EXPECT_NE(std::find(versions.begin(), versions.end(), "1.0.3"), versions.end()) << res;
  EXPECT_NE(std::find(versions.begin(), versions.end(), "2.0.0"), versions.end()) << res;
}

// Every resource but /about requires a credential, whatever the method.
TEST_F(ServerTest, RequestsWithoutCredentialsAre401WithChallenge) {
  std::string statement = json::serialize(Statement());
  std::vector<HttpRequest> requests(3);
  requests[0].target = "/xapi/statements";
  requests[1].method = bhttp::verb::post;
  requests[1].target = "/xapi/statements";
  requests[1].body = statement;
  requests[1].content_type = "application/json";
  requests[2].method = bhttp::verb::put;
  requests[2].target = "/xapi/statements?statementId=" + NewUuid();
  requests[2].body = statement;
  requests[2].content_type = "application/json";
  for (auto& r : requests) {
    r.authorization.reset();
    HttpResponse res = lrs_.Send(r);
    EXPECT_EQ(res.status, 401) << r.method << " " << r.target << "\n" << res;
    EXPECT_NE(Lower(res.Header("WWW-Authenticate")).find("basic"), std::string::npos) << res;
  }
  // Nothing was written by the rejected POST and PUT.
  HttpResponse all = lrs_.Get("/xapi/statements");
  ASSERT_EQ(all.status, 200) << all;
  EXPECT_TRUE(IdsOf(all.Json()).empty()) << all;
}

TEST_F(ServerTest, MalformedAuthorizationIs401) {
  const std::vector<std::string> values = {"Bearer abc", "Basic !!!not-base64!!!",
                                           "Basic " + Base64("no-colon"), "Basic "};
  for (const std::string& value : values) {
    HttpRequest r;
    r.target = "/xapi/statements";
    r.authorization = value;
    HttpResponse res = lrs_.Send(r);
    EXPECT_EQ(res.status, 401) << "Authorization: " << value << "\n" << res;
    EXPECT_FALSE(res.Header("WWW-Authenticate").empty()) << res;
  }
}

// A wrong secret must not reveal that the key exists: the answer is the same
// as for a key nobody has.
TEST_F(ServerTest, WrongSecretLooksExactlyLikeUnknownKey) {
  HttpRequest wrong_secret;
  wrong_secret.target = "/xapi/statements";
  wrong_secret.authorization = BasicAuth(kAdminKey, "not-the-secret");
  HttpRequest unknown_key = wrong_secret;
  unknown_key.authorization = BasicAuth("nobody-has-this-key", "not-the-secret");

  HttpResponse a = lrs_.Send(wrong_secret);
  HttpResponse b = lrs_.Send(unknown_key);
  EXPECT_EQ(a.status, 401) << a;
  EXPECT_FALSE(a.Header("WWW-Authenticate").empty()) << a;
  EXPECT_EQ(a.status, b.status) << a << "\n---\n" << b;
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.Header("WWW-Authenticate"), b.Header("WWW-Authenticate"));

  // The right secret works, so the 401 above was about the secret.
  HttpRequest right = wrong_secret;
  right.authorization = BasicAuth(kAdminKey, kAdminSecret);
  EXPECT_EQ(lrs_.Send(right).status, 200);
}

TEST_F(ServerTest, MissingOrUnsupportedVersionHeaderIs400) {
  HttpRequest r;
  r.target = "/xapi/statements";
  r.version.reset();
  HttpResponse missing = lrs_.Send(r);
  EXPECT_EQ(missing.status, 400) << missing;
  EXPECT_NE(missing.ErrorMessage().find("X-Experience-API-Version"), std::string::npos) << missing;

  r.version = "0.95";
  HttpResponse unsupported = lrs_.Send(r);
  EXPECT_EQ(unsupported.status, 400) << unsupported;

  // A POST without the header stores nothing.
  HttpRequest post =
      JsonRequest(bhttp::verb::post, "/xapi/statements", json::serialize(Statement()));
  post.version.reset();
  HttpResponse rejected = lrs_.Send(post);
  EXPECT_EQ(rejected.status, 400) << rejected;
  HttpResponse all = lrs_.Get("/xapi/statements");
  ASSERT_EQ(all.status, 200) << all;
  EXPECT_TRUE(IdsOf(all.Json()).empty()) << all;
}

// Communication 3.3.s3: "1.0" counts as 1.0.0, any "1.0.x" is accepted, and
// anything from 1.1.0 on (that this LRS does not serve) is rejected.
TEST_F(ServerTest, VersionHeaderNegotiation) {
  for (const char* accepted :
       {"1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.17", "2.0.0"}) {
    HttpResponse res = lrs_.Get("/xapi/statements", accepted);
    EXPECT_EQ(res.status, 200) << "X-Experience-API-Version: " << accepted << "\n" << res;
  }
  for (const char* rejected : {"0.95", "0.9", "1.1.0", "3.0.0", "one"}) {
    HttpResponse res = lrs_.Get("/xapi/statements", rejected);
    EXPECT_EQ(res.status, 400) << "X-Experience-API-Version: " << rejected << "\n" << res;
  }
}

TEST_F(ServerTest, ResponsesNameTheRequestedVersion) {
  EXPECT_EQ(lrs_.Get("/xapi/statements", kV103).Header("X-Experience-API-Version"), kV103);
  EXPECT_EQ(lrs_.Get("/xapi/statements", kV200).Header("X-Experience-API-Version"), kV200);
}

// A browser's preflight carries neither credentials nor the version header.
TEST_F(ServerTest, CorsPreflightAllowsTheXapiHeaders) {
  HttpRequest r;
  r.method = bhttp::verb::options;
  r.target = "/xapi/statements";
  r.authorization.reset();
  r.version.reset();
  r.headers = {
      {"Origin", "https://course.example.com"},
      {"Access-Control-Request-Method", "PUT"},
      {"Access-Control-Request-Headers", "authorization,x-experience-api-version,content-type"}};
  HttpResponse res = lrs_.Send(r);
  EXPECT_GE(res.status, 200) << res;
  EXPECT_LT(res.status, 300) << res;
  std::string allowed = Lower(res.Header("Access-Control-Allow-Headers"));
  EXPECT_NE(allowed.find("authorization"), std::string::npos) << res;
  EXPECT_NE(allowed.find("x-experience-api-version"), std::string::npos) << res;
  EXPECT_NE(Lower(res.Header("Access-Control-Allow-Methods")).find("put"), std::string::npos)
      << res;
  EXPECT_FALSE(res.Header("Access-Control-Allow-Origin").empty()) << res;
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpConnection connection(lrs_.port());
  HttpRequest about;
  about.target = "/xapi/about";
  HttpRequest post =
      JsonRequest(bhttp::verb::post, "/xapi/statements", json::serialize(Statement()));
  HttpRequest get;
  get.target = "/xapi/statements";
  HttpRequest unauthorized = get;
  unauthorized.authorization = BasicAuth(kAdminKey, "wrong");

  // An error answer must not end the connection either.
  std::vector<std::pair<const HttpRequest*, int>> plan = {
      {&about, 200}, {&post, 200}, {&unauthorized, 401}, {&get, 200}, {&post, 200}, {&get, 200}};
  for (size_t i = 0; i < plan.size(); ++i) {
    HttpResponse res = connection.Send(*plan[i].first);
    ASSERT_TRUE(res.ok()) << "request " << i << ": " << res;
    EXPECT_EQ(res.status, plan[i].second) << "request " << i << "\n" << res;
    EXPECT_NE(Lower(res.Header("Connection")), "close") << "request " << i << "\n" << res;
  }
  EXPECT_EQ(connection.connects(), 1);
  HttpResponse last = connection.Send(get);
  ASSERT_EQ(last.status, 200) << last;
  EXPECT_EQ(IdsOf(last.Json()).size(), 2u) << last;
}

TEST_F(ServerTest, UnknownResourceIs404) {
  HttpResponse res = lrs_.Get("/xapi/no-such-resource");
  EXPECT_EQ(res.status, 404) << res;
}

TEST_F(ServerTest, SigtermWhileIdleExitsZeroPromptly) {
  // An open idle keep-alive connection must not hold shutdown up.
  HttpConnection idle(lrs_.port());
  HttpRequest about;
  about.target = "/xapi/about";
  ASSERT_EQ(idle.Send(about).status, 200);

  auto start = std::chrono::steady_clock::now();
  std::optional<int> status = lrs_.Terminate(std::chrono::seconds(5));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(status.has_value()) << "lrsd did not exit within 5 s of SIGTERM; output:\n"
                                  << lrs_.Output();
  ASSERT_TRUE(WIFEXITED(*status)) << "status " << *status << "; output:\n" << lrs_.Output();
  EXPECT_EQ(WEXITSTATUS(*status), 0) << lrs_.Output();
  EXPECT_LT(took, std::chrono::seconds(2));

  // The port is closed: a new request fails at the transport level.
  HttpResponse after = lrs_.Send(about);
  EXPECT_FALSE(after.ok()) << after;
}

TEST_F(ServerTest, DataSurvivesAGracefulRestart) {
  std::string id = NewUuid();
  json::object s = Statement();
  s["id"] = id;
  ASSERT_EQ(lrs_.PostJson("/xapi/statements", json::serialize(s)).status, 200);
  std::optional<int> status = lrs_.Terminate();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << lrs_.Output();

  LrsProcess again(lrs_.ReleaseDataDir(), /*owns_data_dir=*/true);
  ASSERT_TRUE(again.Start());
  HttpResponse res = again.Get("/xapi/statements?statementId=" + id);
  ASSERT_EQ(res.status, 200) << res;
  EXPECT_EQ(res.Json().at("id").as_string(), id);
}

}  // namespace
}  // namespace lrs_it
