// Writing statements: PUT/POST, what the LRS adds, idempotence and conflicts,
// all-or-nothing batches, validation messages, voiding, the two xAPI
// versions, and the 1.0.3 alternate request syntax.
#include <functional>
#include <regex>
#include <thread>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                       std::regex::icase);

class StatementsTest : public LrsTest {
 protected:
  size_t CountAll() { return QueryAll(lrs_, "/xapi/statements?limit=100").size(); }
};

TEST_F(StatementsTest, PostSingleAndArrayReturnIds) {
  HttpResponse one = lrs_.PostJson("/xapi/statements", json::serialize(Statement()));
  ASSERT_EQ(one.status, 200) << one;
  json::value ids = one.Json();
  ASSERT_TRUE(ids.is_array() && ids.as_array().size() == 1) << one;
  EXPECT_TRUE(std::regex_match(std::string(ids.as_array()[0].as_string()), kUuid)) << one;

  // An id the client chose comes back in its position; the others are new.
  std::string chosen = NewUuid();
  json::object with_id = Statement("b@example.com");
  with_id["id"] = chosen;
  json::array batch{Statement("a@example.com"), with_id, Statement("c@example.com")};
  HttpResponse many = lrs_.PostJson("/xapi/statements", json::serialize(batch));
  ASSERT_EQ(many.status, 200) << many;
  json::value batch_ids = many.Json();
  ASSERT_TRUE(batch_ids.is_array() && batch_ids.as_array().size() == 3) << many;
  EXPECT_EQ(batch_ids.as_array()[1].as_string(), chosen);
  for (const auto& id : batch_ids.as_array()) {
    EXPECT_EQ(GetStatement(lrs_, std::string(id.as_string())).at("id"), id);
  }
  EXPECT_EQ(CountAll(), 4u);
}

TEST_F(StatementsTest, PutStoresAndGetReturnsLrsSetProperties) {
  std::string id = NewUuid();
  HttpResponse put =
      lrs_.PutJson("/xapi/statements?statementId=" + id, json::serialize(Statement()));
  ASSERT_EQ(put.status, 204) << put;
  EXPECT_TRUE(put.body.empty()) << put;

  json::object got = GetStatement(lrs_, id);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.at("id").as_string(), id);
  EXPECT_EQ(got.at("actor").at("mbox").as_string(), "mailto:learner@example.com");
  for (const char* lrs_set : {"stored", "timestamp"}) {
    ASSERT_TRUE(got.contains(lrs_set)) << lrs_set << " missing: " << json::serialize(got);
    EXPECT_TRUE(ParseIsoMicros(got.at(lrs_set).as_string()).has_value()) << json::serialize(got);
  }
  ASSERT_TRUE(got.contains("authority")) << json::serialize(got);
  EXPECT_TRUE(got.at("authority").is_object());
  ASSERT_TRUE(got.contains("version")) << json::serialize(got);
  // 1.0.3 (Data 2.4.10): a statement sent without version is stored as 1.0.0.
  EXPECT_EQ(got.at("version").as_string(), "1.0.0");
}

TEST_F(StatementsTest, PutWithMismatchedIdIs400) {
  json::object s = Statement();
  s["id"] = NewUuid();
  std::string other = NewUuid();
  HttpResponse put = lrs_.PutJson("/xapi/statements?statementId=" + other, json::serialize(s));
  EXPECT_EQ(put.status, 400) << put;
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + other).status, 404);
}

TEST_F(StatementsTest, RePuttingTheSameStatementChangesNothing) {
  std::string id = NewUuid();
  std::string body = json::serialize(Statement());
  ASSERT_EQ(lrs_.PutJson("/xapi/statements?statementId=" + id, body).status, 204);
  json::object first = GetStatement(lrs_, id);

  HttpResponse again = lrs_.PutJson("/xapi/statements?statementId=" + id, body);
  EXPECT_EQ(again.status, 204) << again;
  // POSTing it with its id is the same no-op.
  json::object with_id = json::parse(body).as_object();
  with_id["id"] = id;
  HttpResponse post = lrs_.PostJson("/xapi/statements", json::serialize(with_id));
  EXPECT_EQ(post.status, 200) << post;

  json::object second = GetStatement(lrs_, id);
  EXPECT_EQ(second.at("stored"), first.at("stored"));
  EXPECT_EQ(json::serialize(second), json::serialize(first));
  EXPECT_EQ(CountAll(), 1u);
}

TEST_F(StatementsTest, SameIdWithOtherContentIs409) {
  std::string id = NewUuid();
  ASSERT_EQ(lrs_.PutJson("/xapi/statements?statementId=" + id, json::serialize(Statement())).status,
            204);
  json::object first = GetStatement(lrs_, id);

  json::object other = Statement("someone.else@example.com");
  HttpResponse put = lrs_.PutJson("/xapi/statements?statementId=" + id, json::serialize(other));
  EXPECT_EQ(put.status, 409) << put;
  other["id"] = id;
  HttpResponse post = lrs_.PostJson("/xapi/statements", json::serialize(json::array{other}));
  EXPECT_EQ(post.status, 409) << post;

  EXPECT_EQ(json::serialize(GetStatement(lrs_, id)), json::serialize(first));
}

// Racing writers of one id: exactly one content wins, the rest see 409, and
// the identical re-sends of the winner are accepted.
TEST_F(StatementsTest, ConcurrentPutsOfOneIdStoreExactlyOneContent) {
  constexpr int kThreads = 8;
  std::string id = NewUuid();
  std::vector<int> statuses(kThreads * 2);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Two identical PUTs per distinct content.
      std::string body = json::serialize(Statement("racer" + std::to_string(t) + "@example.com"));
      for (int k = 0; k < 2; ++k) {
        statuses[t * 2 + k] = lrs_.PutJson("/xapi/statements?statementId=" + id, body).status;
      }
    });
  }
  for (auto& t : threads) t.join();

  json::object stored = GetStatement(lrs_, id);
  ASSERT_FALSE(stored.empty());
  std::string mbox(stored.at("actor").at("mbox").as_string());
  int winner = std::stoi(mbox.substr(std::string("mailto:racer").size()));
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < 2; ++k) {
      EXPECT_EQ(statuses[t * 2 + k], t == winner ? 204 : 409) << "writer " << t << " put " << k;
    }
  }
  EXPECT_EQ(CountAll(), 1u);
}

TEST_F(StatementsTest, BatchWithOneInvalidStatementStoresNothing) {
  ASSERT_FALSE(PostStatement(lrs_, Statement()).empty());
  ASSERT_EQ(CountAll(), 1u);

  std::string good_id = NewUuid();
  json::object good = Statement("good@example.com");
  good["id"] = good_id;
  json::object bad = Statement();
  bad["verb"].as_object()["id"] = "not an IRI";
  HttpResponse res = lrs_.PostJson(
      "/xapi/statements", json::serialize(json::array{Statement("x@example.com"), good, bad}));
  EXPECT_EQ(res.status, 400) << res;
  EXPECT_NE(res.ErrorMessage().find("verb.id"), std::string::npos) << res;

  EXPECT_EQ(CountAll(), 1u);
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + good_id).status, 404);
}

// The 400 names the offending property, so a client can find its mistake.
TEST_F(StatementsTest, ValidationErrorsNameTheProperty) {
  struct Case {
    std::string property;
    std::function<void(json::object&)> spoil;
  };
  std::vector<Case> cases = {
      {"actor.mbox",
       [](json::object& s) { s["actor"].as_object()["mbox"] = "learner@example.com"; }},
      {"verb.id", [](json::object& s) { s["verb"].as_object()["id"] = "experienced"; }},
      {"timestamp", [](json::object& s) { s["timestamp"] = "yesterday at noon"; }},
      {"verb", [](json::object& s) { s.erase("verb"); }},
      {"object.id", [](json::object& s) { s["object"].as_object()["id"] = 42; }},
      {"context.registration",
       [](json::object& s) {
         s["context"] = json::object{{"registration", "not-a-uuid"}};
       }},
  };
  for (const Case& c : cases) {
    json::object s = Statement();
    c.spoil(s);
    HttpResponse res = lrs_.PostJson("/xapi/statements", json::serialize(s));
    EXPECT_EQ(res.status, 400) << c.property << "\n" << res;
    EXPECT_NE(res.ErrorMessage().find(c.property), std::string::npos)
        << "message should name " << c.property << "\n"
        << res;
  }
  EXPECT_EQ(CountAll(), 0u);
}

TEST_F(StatementsTest, VoidedStatementIsFoundOnlyByVoidedStatementId) {
  std::string target = PostStatement(lrs_, Statement());
  std::string bystander = PostStatement(lrs_, Statement("other@example.com"));
  ASSERT_FALSE(target.empty());
  json::object voiding = Statement("learner@example.com", "http://adlnet.gov/expapi/verbs/voided");
  voiding["object"] = json::object{{"objectType", "StatementRef"}, {"id", target}};
  std::string voider = PostStatement(lrs_, voiding);
  ASSERT_FALSE(voider.empty());

  HttpResponse by_id = lrs_.Get("/xapi/statements?statementId=" + target);
  EXPECT_EQ(by_id.status, 404) << by_id;
  HttpResponse by_voided = lrs_.Get("/xapi/statements?voidedStatementId=" + target);
  ASSERT_EQ(by_voided.status, 200) << by_voided;
  EXPECT_EQ(by_voided.Json().at("id").as_string(), target);
  // voidedStatementId finds only voided statements.
  EXPECT_EQ(lrs_.Get("/xapi/statements?voidedStatementId=" + bystander).status, 404);

  std::vector<std::string> ids;
  for (const auto& s : QueryAll(lrs_, "/xapi/statements")) ids.emplace_back(s.at("id").as_string());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), target), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), voider), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), bystander), 1);
}

// 2.0.0 (Data 2.4.7): the LRS converts timestamps with an offset to UTC.
TEST_F(StatementsTest, TimestampWithOffsetIsStoredInUtcAt200) {
  json::object s = Statement();
  s["timestamp"] = "2024-03-01T12:00:00+05:00";
  std::string id = PostStatement(lrs_, s, kV200);
  ASSERT_FALSE(id.empty());
  HttpResponse res = lrs_.Get("/xapi/statements?statementId=" + id, kV200);
  ASSERT_EQ(res.status, 200) << res;
  EXPECT_EQ(res.Header("X-Experience-API-Version"), kV200);
  json::object got = res.Json().as_object();
  std::string ts(got.at("timestamp").as_string());
  EXPECT_TRUE(ts.back() == 'Z' || ts.ends_with("+00:00")) << ts;
  EXPECT_EQ(ParseIsoMicros(ts), ParseIsoMicros("2024-03-01T07:00:00Z")) << ts;
  EXPECT_EQ(got.at("version").as_string(), "2.0.0");
}

TEST_F(StatementsTest, BothVersionsAcceptAndServeStatements) {
  std::string old_id = PostStatement(lrs_, Statement(), kV103);
  std::string new_id = PostStatement(lrs_, Statement(), kV200);
  ASSERT_FALSE(old_id.empty());
  ASSERT_FALSE(new_id.empty());
  for (const char* v : {kV103, kV200}) {
    HttpResponse all = lrs_.Get("/xapi/statements", v);
    ASSERT_EQ(all.status, 200) << all;
    EXPECT_EQ(all.Header("X-Experience-API-Version"), v);
    EXPECT_EQ(IdsOf(all.Json()).size(), 2u) << all;
  }
  // A 2.0.0-only property is rejected at 1.0.3 and accepted at 2.0.0.
  json::object with_context_agents = Statement();
  with_context_agents["context"] = json::object{
      {"contextAgents", json::array{json::object{{"objectType", "contextAgent"},
                                                 {"agent", Agent("teacher@example.com")}}}}};
  HttpResponse at103 =
      lrs_.PostJson("/xapi/statements", json::serialize(with_context_agents), kV103);
  EXPECT_EQ(at103.status, 400) << at103;
  EXPECT_NE(at103.ErrorMessage().find("contextAgents"), std::string::npos) << at103;
  EXPECT_FALSE(PostStatement(lrs_, with_context_agents, kV200).empty());
}

// Communication 1.3: a browser POSTs a form holding headers and content.
HttpRequest AlternatePut(const std::string& id, const std::string& content,
                         const std::string& version,
                         const std::string& auth = BasicAuth(kAdminKey, kAdminSecret)) {
  HttpRequest r;
  r.method = bhttp::verb::post;
  r.target = "/xapi/statements?method=PUT";
  r.authorization.reset();
  r.version.reset();
  r.content_type = "application/x-www-form-urlencoded";
  r.body = "statementId=" + id + "&Authorization=" + PercentEncode(auth) +
           "&X-Experience-API-Version=" + version +
           "&Content-Type=application%2Fjson&content=" + PercentEncode(content);
  return r;
}

TEST_F(StatementsTest, AlternateRequestSyntaxWorksAt103) {
  std::string id = NewUuid();
  HttpResponse res = lrs_.Send(AlternatePut(id, json::serialize(Statement()), kV103));
  EXPECT_EQ(res.status, 204) << res;
  json::object got = GetStatement(lrs_, id);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.at("actor").at("mbox").as_string(), "mailto:learner@example.com");

  // The form's Authorization is checked like the header would be.
  std::string unstored = NewUuid();
  HttpResponse wrong = lrs_.Send(
      AlternatePut(unstored, json::serialize(Statement()), kV103, BasicAuth(kAdminKey, "wrong")));
  EXPECT_EQ(wrong.status, 401) << wrong;
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + unstored).status, 404);

  // GET through the same syntax, with the query parameters in the form.
  HttpRequest get;
  get.method = bhttp::verb::post;
  get.target = "/xapi/statements?method=GET";
  get.authorization.reset();
  get.version.reset();
  get.content_type = "application/x-www-form-urlencoded";
  get.body = "statementId=" + id +
             "&Authorization=" + PercentEncode(BasicAuth(kAdminKey, kAdminSecret)) +
             "&X-Experience-API-Version=1.0.3";
  HttpResponse fetched = lrs_.Send(get);
  ASSERT_EQ(fetched.status, 200) << fetched;
  EXPECT_EQ(fetched.Json().at("id").as_string(), id);
}

TEST_F(StatementsTest, AlternateRequestSyntaxIs400At200) {
  std::string id = NewUuid();
  HttpResponse res = lrs_.Send(AlternatePut(id, json::serialize(Statement()), kV200));
  EXPECT_EQ(res.status, 400) << res;
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + id).status, 404);
}

}  // namespace
}  // namespace lrs_it
