// The /admin and /me endpoints of docs/CONSENT.md: input validation (400s
// that name the field), who may call them (401/403), identity conflicts
// (409), grant statuses and replacement, and the audit log with paging.
#include <thread>

#include "gtest/gtest.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"
#include "tests/integration/consent_world.h"

namespace lrs_it::consent {
namespace {

class ConsentAdmin : public LrsTest {};

TEST_F(ConsentAdmin, OrganisationsAndCredentialsValidateTheirInput) {
  const Cred admin = AdminCred();
  for (const auto& body : {json::value(json::object{}), json::value(json::object{{"name", ""}}),
                           json::value(json::object{{"name", 5}})}) {
    EXPECT_TRUE(NamesField(PostJsonAs(lrs_, admin, "/admin/organisations", body), 400, "name"))
        << json::serialize(body);
  }
  HttpResponse not_json = Call(lrs_, admin, bhttp::verb::post, "/admin/organisations", "{name:",
                               "application/json");
  EXPECT_EQ(not_json.status, 400) << not_json;

  HttpResponse acme = PostJsonAs(lrs_, admin, "/admin/organisations", json::object{{"name", "Acme"}});
  ASSERT_EQ(acme.status, 201) << acme;
  json::object org = ObjectOf(acme);
  EXPECT_EQ(org["name"], json::value("Acme"));
  ASSERT_TRUE(org["id"].is_string()) << acme;
  EXPECT_TRUE(org["created"].is_string()) << acme;
  const std::string id(org["id"].as_string());
  const std::string creds = "/admin/organisations/" + id + "/credentials";

  EXPECT_TRUE(NamesField(PostJsonAs(lrs_, admin, creds, json::object{{"scopes", "statements/read"}}),
                         400, "scopes"));
  EXPECT_TRUE(NamesField(
      PostJsonAs(lrs_, admin, creds, json::object{{"scopes", json::array{"no/such/scope"}}}), 400,
      "scopes"));
  HttpResponse unknown = PostJsonAs(lrs_, admin, "/admin/organisations/" + NewUuid() + "/credentials",
                                    json::object{{"scopes", json::array{"statements/read"}}});
  EXPECT_EQ(unknown.status, 404) << unknown;

  Cred cred = AddOrgCredential(lrs_, id, {"statements/read", "statements/write"});
  ASSERT_FALSE(cred.key.empty());
  HttpResponse empty = GetAs(lrs_, cred, "/xapi/statements");
  ASSERT_EQ(empty.status, 200) << empty;
  EXPECT_EQ(ObjectOf(empty)["statements"], json::array{});
}

TEST_F(ConsentAdmin, LearnersValidateIdentitiesAndRefuseConflicts) {
  const Cred admin = AdminCred();
  const json::object ada = MboxAgent("ada@example.com");
  const json::object ada_account = AccountAgent("https://lms.example.org", "ada-7");
  const std::vector<json::value> bad_identities = {
      json::value("mailto:ada@example.com"),
      json::array{json::object{{"objectType", "Agent"}, {"name", "no IFI"}}},
      json::array{json::object{{"objectType", "Agent"},
                               {"mbox", "mailto:x@example.com"},
                               {"openid", "https://x.example.com"}}},
      json::array{json::object{{"objectType", "Group"}, {"mbox", "mailto:team@example.com"}}},
      json::array{json::object{{"mbox", "not-a-mailto"}}},
  };
  for (const auto& ids : bad_identities) {
    EXPECT_TRUE(NamesField(PostJsonAs(lrs_, admin, "/admin/learners",
                                      json::object{{"name", "X"}, {"identities", ids}}),
                           400, "identities"))
        << json::serialize(ids);
  }

  Learner a = CreateLearner(lrs_, "Ada", {ada, ada_account});
  ASSERT_FALSE(a.id.empty());
  // Another learner claiming one of Ada's identities: 409, and nothing of
  // the request is kept (eve's own identity stays free).
  HttpResponse conflict = PostJsonAs(
      lrs_, admin, "/admin/learners",
      json::object{{"name", "Eve"}, {"identities", json::array{MboxAgent("eve@example.com"), ada}}});
  EXPECT_EQ(conflict.status, 409) << conflict;
  Learner eve = CreateLearner(lrs_, "Eve", {MboxAgent("eve@example.com")});
  ASSERT_FALSE(eve.id.empty());

  const std::string link_eve = "/admin/learners/" + eve.id + "/identities";
  EXPECT_EQ(PostJsonAs(lrs_, admin, link_eve, ada_account).status, 409);
  EXPECT_EQ(PostJsonAs(lrs_, admin, "/admin/learners/" + NewUuid() + "/identities",
                       MboxAgent("new@example.com")).status,
            404);
  EXPECT_TRUE(NamesField(PostJsonAs(lrs_, admin, link_eve, json::object{{"objectType", "Agent"}}),
                         400, "identit"))  // "identity" or "identities"
      << "a link without an IFI";
  // Linking again to the same learner is fine and changes nothing.
  HttpResponse again = PostJsonAs(lrs_, admin, "/admin/learners/" + a.id + "/identities", ada);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(ObjectOf(again)["identities"].as_array().size(), 2u) << again;
  EXPECT_FALSE(ObjectOf(again).contains("secret")) << again;
  HttpResponse linked = PostJsonAs(lrs_, admin, link_eve, MboxAgent("eve2@example.com"));
  ASSERT_EQ(linked.status, 200) << linked;
  EXPECT_EQ(ObjectOf(linked)["identities"].as_array().size(), 2u) << linked;

  HttpResponse got = GetAs(lrs_, admin, "/admin/learners/" + a.id);
  ASSERT_EQ(got.status, 200) << got;
  json::object learner = ObjectOf(got);
  EXPECT_EQ(learner["id"], json::value(a.id));
  EXPECT_EQ(learner["name"], json::value("Ada"));
  EXPECT_EQ(learner["identities"].as_array().size(), 2u) << got;
  EXPECT_FALSE(learner.contains("secret")) << got;
  EXPECT_EQ(GetAs(lrs_, admin, "/admin/learners/" + NewUuid()).status, 404);

  HttpResponse me = GetAs(lrs_, a.cred, "/me");
  ASSERT_EQ(me.status, 200) << me;
  json::object mine = ObjectOf(me);
  EXPECT_EQ(mine["id"], json::value(a.id));
  EXPECT_EQ(mine["name"], json::value("Ada"));
  EXPECT_EQ(mine["identities"].as_array().size(), 2u) << me;
  EXPECT_TRUE(mine.contains("created")) << me;
  EXPECT_FALSE(mine.contains("secret")) << me;
}

// Operator endpoints need an operator credential with "all"; learner
// endpoints a learner credential.
class ConsentAdminPrincipals : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = lrs::store::Database::Open(lrs::store::DatabaseOptions{.path = lrs_.data_dir()});
    ASSERT_TRUE(db.ok()) << db.status().message();
    lrs::store::CredentialStore credentials(db->get());
    lrs::store::Credential reader;
    reader.key = "op-reader";
    reader.name = "operator reader";
    reader.scopes = {"statements/read", "all/read"};
    ASSERT_TRUE(credentials.Put(reader, "op-reader-secret").ok());
    db->reset();
    ASSERT_TRUE(lrs_.Start());
  }
  LrsProcess lrs_;
};

TEST_F(ConsentAdminPrincipals, WrongPrincipalsAre401Or403) {
  const Cred admin = AdminCred();
  const Cred op_reader{"op-reader", "op-reader-secret"};
  Org org = CreateOrg(lrs_, "Acme", {"all"});
  Learner ada = CreateLearner(lrs_, "Ada", {MboxAgent("ada@example.com")});
  ASSERT_FALSE(org.id.empty() || ada.id.empty());
  const Cred wrong_secret{kAdminKey, "not-the-secret"};
  const Cred unknown_key{"no-such-key", "whatever"};

  struct Endpoint {
    bhttp::verb method;
    std::string target;
    json::value body;
  };
  const std::vector<Endpoint> admin_endpoints = {
      {bhttp::verb::post, "/admin/organisations", json::object{{"name", "Other"}}},
      {bhttp::verb::post, "/admin/organisations/" + org.id + "/credentials",
       json::object{{"scopes", json::array{"all"}}}},
      {bhttp::verb::post, "/admin/learners",
       json::object{{"name", "Bob"}, {"identities", json::array{MboxAgent("bob@example.com")}}}},
      {bhttp::verb::post, "/admin/learners/" + ada.id + "/identities", MboxAgent("a2@example.com")},
      {bhttp::verb::get, "/admin/learners/" + ada.id, nullptr},
      {bhttp::verb::delete_, "/admin/learners/" + ada.id, nullptr},
  };
  const std::vector<Endpoint> me_endpoints = {
      {bhttp::verb::get, "/me", nullptr},
      {bhttp::verb::get, "/me/grants", nullptr},
      {bhttp::verb::post, "/me/grants",
       json::object{{"organisation", org.id}, {"purpose", "testing"}}},
      {bhttp::verb::get, "/me/audit", nullptr},
      {bhttp::verb::delete_, "/me", nullptr},
  };
  auto send = [&](const std::optional<Cred>& who, const Endpoint& e) {
    return Call(lrs_, who, e.method, e.target, e.body.is_null() ? "" : json::serialize(e.body),
                e.body.is_null() ? "" : "application/json");
  };
  for (const auto& e : admin_endpoints) {
    SCOPED_TRACE(e.target);
    EXPECT_EQ(send(std::nullopt, e).status, 401);
    EXPECT_EQ(send(wrong_secret, e).status, 401);
    EXPECT_EQ(send(unknown_key, e).status, 401);
    EXPECT_EQ(send(org.cred, e).status, 403) << "organisation credential with all";
    EXPECT_EQ(send(ada.cred, e).status, 403) << "learner credential";
    EXPECT_EQ(send(op_reader, e).status, 403) << "operator credential without all";
  }
  for (const auto& e : me_endpoints) {
    SCOPED_TRACE(e.target);
    EXPECT_EQ(send(std::nullopt, e).status, 401);
    EXPECT_EQ(send(Cred{ada.cred.key, "wrong"}, e).status, 401);
    EXPECT_EQ(send(admin, e).status, 403) << "operator credential";
    EXPECT_EQ(send(org.cred, e).status, 403) << "organisation credential";
    EXPECT_EQ(send(op_reader, e).status, 403) << "operator reader";
  }
  // None of the refused requests changed anything.
  EXPECT_EQ(GetAs(lrs_, admin, "/admin/learners/" + ada.id).status, 200);
  EXPECT_EQ(GetAs(lrs_, ada.cred, "/me").status, 200);
  EXPECT_EQ(GrantStatuses(lrs_, ada).size(), 0u);
}

TEST_F(ConsentAdmin, GrantValidationNamesTheField) {
  Org org = CreateOrg(lrs_, "Acme", {"statements/read"});
  Learner ada = CreateLearner(lrs_, "Ada", {MboxAgent("ada@example.com")});
  ASSERT_FALSE(org.id.empty() || ada.id.empty());
  auto with = [&](const char* field, json::value v) {
    json::object o{{"organisation", org.id}, {"purpose", "reporting"}};
    o[field] = std::move(v);
    return o;
  };
  const std::vector<std::pair<json::object, std::string>> cases = {
      {json::object{{"purpose", "reporting"}}, "organisation"},
      {json::object{{"organisation", org.id}}, "purpose"},
      {with("purpose", ""), "purpose"},
      {with("organisation", "acme"), "organisation"},
      {with("verbs", json::array{}), "verbs"},
      {with("verbs", json::array{"not an iri"}), "verbs"},
      {with("verbs", "http://adlnet.gov/expapi/verbs/completed"), "verbs"},
      {with("activities", json::array{}), "activities"},
      {with("activityPrefixes", json::array{}), "activityPrefixes"},
      {with("activityPrefixes", json::array{42}), "activityPrefixes"},
      {with("registrations", json::array{"not-a-uuid"}), "registrations"},
      {with("since", "yesterday"), "since"},
      {with("until", 5), "until"},
      {with("expires", "soon"), "expires"},
      {with("actions", json::array{}), "actions"},
      {with("actions", json::array{"delete"}), "actions"},
      {with("replaces", "not-a-uuid"), "replaces"},
      {with("colour", "red"), "colour"},
  };
  for (const auto& [body, field] : cases) {
    EXPECT_TRUE(NamesField(PostJsonAs(lrs_, ada.cred, "/me/grants", body), 400, field))
        << json::serialize(body);
  }
  HttpResponse not_json =
      Call(lrs_, ada.cred, bhttp::verb::post, "/me/grants", "[1,", "application/json");
  EXPECT_EQ(not_json.status, 400) << not_json;
  // Naming an organisation or a grant that does not exist is refused too
  // (the contract leaves 400 or 404 open; a 400 names the field).
  for (const auto& [field, value] : std::vector<std::pair<const char*, std::string>>{
           {"organisation", NewUuid()}, {"replaces", NewUuid()}}) {
    HttpResponse r = PostJsonAs(lrs_, ada.cred, "/me/grants", with(field, json::string(value)));
    EXPECT_TRUE(r.status == 404 || NamesField(r, 400, field)) << r;
  }
  EXPECT_EQ(GrantStatuses(lrs_, ada).size(), 0u) << "a refused grant was stored";
}

TEST_F(ConsentAdmin, GrantStatusesReplacementAndRevocation) {
  Org lms = CreateOrg(lrs_, "LMS", {"statements/write"});
  Org analytics = CreateOrg(lrs_, "Analytics", {"statements/read"});
  Learner ada = CreateLearner(lrs_, "Ada", {MboxAgent("ada@example.com")});
  Learner bob = CreateLearner(lrs_, "Bob", {MboxAgent("bob@example.com")});
  const char* completed = "http://adlnet.gov/expapi/verbs/completed";
  const char* experienced = "http://adlnet.gov/expapi/verbs/experienced";
  std::string s_completed = PostAs(lrs_, lms.cred, MakeStatement(MboxAgent("ada@example.com"), completed, ActivityObject("https://example.org/c"), "2025-01-01T00:00:00Z"));
  std::string s_experienced = PostAs(lrs_, lms.cred, MakeStatement(MboxAgent("ada@example.com"), experienced, ActivityObject("https://example.org/c"), "2025-01-02T00:00:00Z"));

  json::object body{{"organisation", analytics.id},
                    {"verbs", json::array{completed}},
                    {"purpose", "Compliance reporting"}};
  HttpResponse created = PostJsonAs(lrs_, ada.cred, "/me/grants", body);
  ASSERT_EQ(created.status, 201) << created;
  json::object g1 = ObjectOf(created);
  EXPECT_EQ(g1["status"], json::value("live"));
  EXPECT_EQ(g1["organisation"], json::value(analytics.id));
  EXPECT_EQ(g1["verbs"], (json::array{completed}));
  EXPECT_EQ(g1["purpose"], json::value("Compliance reporting"));
  EXPECT_TRUE(g1["created"].is_string()) << created;
  const std::string id1(g1["id"].as_string());
  EXPECT_EQ(QueryIds(lrs_, analytics.cred, "/xapi/statements"), IdSet{s_completed});

  // Replacing: the old one is marked replaced, the new one governs.
  std::string id2 = MakeGrant(lrs_, ada, json::object{{"organisation", analytics.id},
                                                      {"verbs", json::array{experienced}},
                                                      {"replaces", id1}});
  HttpResponse g2 = GetAs(lrs_, ada.cred, "/me/grants/" + id2);
  ASSERT_EQ(g2.status, 200) << g2;
  EXPECT_EQ(ObjectOf(g2)["replaces"], json::value(id1));
  EXPECT_EQ(QueryIds(lrs_, analytics.cred, "/xapi/statements"), IdSet{s_experienced});
  // Another learner can neither see, revoke nor replace Ada's grants.
  EXPECT_EQ(GetAs(lrs_, bob.cred, "/me/grants/" + id2).status, 404);
  EXPECT_EQ(DeleteAs(lrs_, bob.cred, "/me/grants/" + id2).status, 404);
  HttpResponse hijack = PostJsonAs(lrs_, bob.cred, "/me/grants",
                                   json::object{{"organisation", analytics.id},
                                                {"purpose", "x"},
                                                {"replaces", id2}});
  EXPECT_TRUE(hijack.status == 404 || NamesField(hijack, 400, "replaces")) << hijack;
  EXPECT_EQ(GetAs(lrs_, ada.cred, "/me/grants/" + NewUuid()).status, 404);

  // Revoking: kept in the list, marked revoked.
  std::string id3 = MakeGrant(lrs_, ada, json::object{{"organisation", lms.id}});
  RevokeGrant(lrs_, ada, id3);
  HttpResponse g3 = GetAs(lrs_, ada.cred, "/me/grants/" + id3);
  ASSERT_EQ(g3.status, 200) << g3;
  EXPECT_EQ(ObjectOf(g3)["status"], json::value("revoked"));

  // Expiring.
  using namespace std::chrono;
  auto expires = time_point_cast<seconds>(system_clock::now()) + seconds(2);
  std::string id4 = MakeGrant(lrs_, ada, json::object{{"organisation", lms.id},
                                                      {"expires", IsoSeconds(expires)}});
  std::this_thread::sleep_until(expires + milliseconds(300));

  HttpResponse list = GetAs(lrs_, ada.cred, "/me/grants");
  ASSERT_EQ(list.status, 200) << list;
  std::vector<std::pair<std::string, std::string>> got;
  json::object listed = ObjectOf(list);
  for (const auto& g : listed["grants"].as_array()) {
    got.emplace_back(std::string(g.at("id").as_string()), std::string(g.at("status").as_string()));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {id4, "expired"}, {id3, "revoked"}, {id2, "live"}, {id1, "replaced"}};
  EXPECT_EQ(got, expected) << "newest first, with statuses\n" << list;
  EXPECT_EQ(GrantStatuses(lrs_, bob).size(), 0u);
  EXPECT_EQ(QueryIds(lrs_, analytics.cred, "/xapi/statements"), IdSet{s_experienced});
}

TEST_F(ConsentAdmin, AuditListsReadsByOthersOnly) {
  Org lms = CreateOrg(lrs_, "LMS", {"statements/write", "statements/read"});
  Org analytics = CreateOrg(lrs_, "Analytics", {"statements/read"});
  Org snoop = CreateOrg(lrs_, "Snoop", {"statements/read"});
  json::object ada_agent = MboxAgent("ada@example.com"), bob_agent = MboxAgent("bob@example.com");
  Learner ada = CreateLearner(lrs_, "Ada", {ada_agent});
  Learner bob = CreateLearner(lrs_, "Bob", {bob_agent});
  std::vector<std::string> ada_ids, bob_ids;
  for (int i = 0; i < 3; ++i) {
    ada_ids.push_back(PostAs(lrs_, lms.cred, MakeStatement(ada_agent, kCompleted, ActivityObject(kCourseA1), "2025-01-01T00:00:00Z")));
  }
  for (int i = 0; i < 2; ++i) {
    bob_ids.push_back(PostAs(lrs_, lms.cred, MakeStatement(bob_agent, kCompleted, ActivityObject(kCourseA1), "2025-01-01T00:00:00Z")));
  }
  MakeGrant(lrs_, ada, json::object{{"organisation", analytics.id}});
  MakeGrant(lrs_, bob, json::object{{"organisation", analytics.id}});

  auto entries = [&](const Learner& l) {
    HttpResponse r = GetAs(lrs_, l.cred, "/me/audit");
    EXPECT_EQ(r.status, 200) << r;
    json::object o = ObjectOf(r);
    EXPECT_EQ(o["more"], json::value("")) << r;
    return o["entries"].is_array() ? o["entries"].as_array() : json::array{};
  };
  // The learner's own reads are not audited; reads that return nothing of a
  // learner (404s, other learners' data) neither.
  EXPECT_EQ(QueryIds(lrs_, ada.cred, "/xapi/statements").size(), 3u);
  EXPECT_EQ(GetAs(lrs_, snoop.cred, "/xapi/statements?statementId=" + ada_ids[0]).status, 404);
  EXPECT_EQ(QueryIds(lrs_, snoop.cred, "/xapi/statements"), IdSet{});
  EXPECT_EQ(QueryIds(lrs_, analytics.cred, "/xapi/statements?agent=" + AgentParam(bob_agent)).size(), 2u);
  EXPECT_EQ(entries(ada).size(), 0u) << "nothing of Ada was read by anyone else yet";
  EXPECT_EQ(entries(bob).size(), 1u);

  const std::string query = "/xapi/statements?limit=10&verb=" + Enc(kCompleted);
  HttpResponse read = GetAs(lrs_, analytics.cred, query);
  ASSERT_EQ(read.status, 200) << read;
  json::array a = entries(ada);
  ASSERT_EQ(a.size(), 1u) << json::serialize(a);
  EXPECT_EQ(a[0].at("organisation"), json::value(analytics.id));
  EXPECT_EQ(a[0].at("credential"), json::value(analytics.cred.key));
  EXPECT_EQ(a[0].at("method"), json::value("GET"));
  EXPECT_EQ(a[0].at("request"), json::value(query));
  EXPECT_EQ(a[0].at("kind"), json::value("statements"));
  EXPECT_EQ(a[0].at("returned"), json::value(3));
  EXPECT_TRUE(ParseIsoMicros(std::string(a[0].at("time").as_string()))) << a[0];
  json::array b = entries(bob);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].at("request"), json::value(query)) << "newest first";
  EXPECT_EQ(b[0].at("returned"), json::value(2));

  // The writer (rule 3) and the operator are audited too.
  ASSERT_EQ(GetAs(lrs_, lms.cred, "/xapi/statements?statementId=" + ada_ids[1]).status, 200);
  ASSERT_EQ(GetAs(lrs_, AdminCred(), "/xapi/statements?statementId=" + ada_ids[2]).status, 200);
  a = entries(ada);
  ASSERT_EQ(a.size(), 3u) << json::serialize(a);
  EXPECT_EQ(a[0].at("organisation"), json::value("operator"));
  EXPECT_EQ(a[0].at("credential"), json::value(kAdminKey));
  EXPECT_EQ(a[0].at("request"), json::value("/xapi/statements?statementId=" + ada_ids[2]));
  EXPECT_EQ(a[0].at("returned"), json::value(1));
  EXPECT_EQ(a[1].at("organisation"), json::value(lms.id));
  EXPECT_EQ(a[1].at("returned"), json::value(1));
  EXPECT_EQ(a[2].at("organisation"), json::value(analytics.id));
  EXPECT_EQ(entries(bob).size(), 2u);
}

TEST_F(ConsentAdmin, AuditPagesNewestFirst) {
  Org lms = CreateOrg(lrs_, "LMS", {"statements/write", "statements/read"});
  Learner ada = CreateLearner(lrs_, "Ada", {MboxAgent("ada@example.com")});
  Learner bob = CreateLearner(lrs_, "Bob", {MboxAgent("bob@example.com")});
  std::string id = PostAs(lrs_, lms.cred, MakeStatement(MboxAgent("ada@example.com"), kCompleted, ActivityObject(kCourseA1), "2025-01-01T00:00:00Z"));
  std::vector<std::string> requests;
  for (int i = 0; i < 5; ++i) {
    requests.push_back("/xapi/statements?limit=" + std::to_string(i + 1));
    ASSERT_EQ(GetAs(lrs_, lms.cred, requests.back()).status, 200);
  }
  std::vector<std::string> seen;
  std::string next = "/me/audit?limit=2";
  std::vector<size_t> sizes;
  std::string first_more;
  for (int page = 0; page < 10 && !next.empty(); ++page) {
    HttpResponse r = GetAs(lrs_, ada.cred, next);
    ASSERT_EQ(r.status, 200) << r;
    json::object o = ObjectOf(r);
    sizes.push_back(o["entries"].as_array().size());
    for (const auto& e : o["entries"].as_array()) seen.emplace_back(e.at("request").as_string());
    next = std::string(o["more"].as_string());
    if (page == 0) first_more = next;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(seen, std::vector<std::string>(requests.rbegin(), requests.rend()));
  // Ada's `more` link shows Bob only Bob's (empty) audit.
  ASSERT_FALSE(first_more.empty());
  HttpResponse as_bob = GetAs(lrs_, bob.cred, first_more);
  if (as_bob.status == 200) {
    EXPECT_EQ(ObjectOf(as_bob)["entries"], json::array{}) << as_bob;
  } else {
    EXPECT_EQ(as_bob.status / 100, 4) << as_bob;
  }
  EXPECT_TRUE(NamesField(GetAs(lrs_, ada.cred, "/me/audit?limit=x"), 400, "limit"));
}

}  // namespace
}  // namespace lrs_it::consent
