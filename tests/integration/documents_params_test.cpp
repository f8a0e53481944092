// Parameters and scopes of the document resources against the real lrsd:
// required, invalid, unknown and repeated parameters, the agent parameter,
// credentials without the document scope, and (State only) registrations and
// delete-all.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"
#include "tests/integration/documents_test_util.h"

namespace lrs_it::docs {
namespace {

TEST_P(DocumentResourceTest, MissingRequiredParametersAre400NamingThem) {
  if (R().has_activity) {
    for (auto method : {bhttp::verb::get, bhttp::verb::put, bhttp::verb::post}) {
      HttpResponse r = Do(lrs_, method, Target(Without(Doc("d"), "activityId")), "{}",
                          "application/json", {{"If-None-Match", "*"}});
      ExpectBadRequest(r, "activityId");
    }
    HttpResponse list = lrs_.Get(Target(Without(Scope(), "activityId")));
    ExpectBadRequest(list, "activityId");
  }
  if (R().has_agent) {
    for (auto method : {bhttp::verb::get, bhttp::verb::put, bhttp::verb::post}) {
      HttpResponse r = Do(lrs_, method, Target(Without(Doc("d"), "agent")), "{}",
                          "application/json", {{"If-None-Match", "*"}});
      ExpectBadRequest(r, "agent");
    }
    HttpResponse list = lrs_.Get(Target(Without(Scope(), "agent")));
    ExpectBadRequest(list, "agent");
  }
  // PUT and POST need the document id; so does DELETE of a profile.
  HttpResponse put = Do(lrs_, bhttp::verb::put, Target(Scope()), "{}", "application/json",
                        {{"If-None-Match", "*"}});
  ExpectBadRequest(put, R().id_param);
  HttpResponse post = Do(lrs_, bhttp::verb::post, Target(Scope()), "{}", "application/json");
  ExpectBadRequest(post, R().id_param);
  if (!R().is_state()) {
    HttpResponse del = Do(lrs_, bhttp::verb::delete_, Target(Scope()));
    ExpectBadRequest(del, R().id_param);
  }
  // Nothing was stored by any of these.
  EXPECT_TRUE(ListIds().empty());
  ExpectMissing("d");
}

TEST_P(DocumentResourceTest, InvalidParametersAre400) {
  if (R().has_agent) {
    for (const char* agent : {"{not json", R"({"objectType":"Agent","name":"no identifier"})",
                              R"("mailto:ada@example.com")", R"({"mbox":["mailto:a@b.c"]})"}) {
      HttpResponse r = Do(lrs_, bhttp::verb::put, Target(With(Doc("d"), "agent", agent)), "{}",
                          "application/json", {{"If-None-Match", "*"}});
      ExpectBadRequest(r, "agent");
      HttpResponse g = lrs_.Get(Target(With(Scope(), "agent", agent)));
      ExpectBadRequest(g, "agent");
    }
  }
  if (R().has_activity) {
    HttpResponse r = lrs_.Get(Target(With(Doc("d"), "activityId", "not an iri")));
    ExpectBadRequest(r, "activityId");
  }
  if (R().is_state()) {
    for (const char* reg : {"not-a-uuid", "a3f1c1d2-5b6e-4f70-8a9b", ""}) {
      HttpResponse r = Do(lrs_, bhttp::verb::put, Target(With(Doc("d"), "registration", reg)), "{}",
                          "application/json");
      ExpectBadRequest(r, "registration");
    }
  } else {
    // registration belongs to State only.
    HttpResponse r = lrs_.Get(Target(With(Doc("d"), "registration", kRegistration)));
    ExpectBadRequest(r, "registration");
  }
  // Unknown and repeated parameters.
  HttpResponse unknown = lrs_.Get(Target(With(Doc("d"), "colour", "blue")));
  ExpectBadRequest(unknown, "colour");
  HttpResponse other_id =
      lrs_.Get(Target(With(Doc("d"), R().is_state() ? "profileId" : "stateId", "x")));
  ExpectBadRequest(other_id, R().is_state() ? "profileId" : "stateId");
  Params twice = Doc("d");
  twice.emplace_back(R().id_param, "e");
  HttpResponse repeated = lrs_.Get(Target(twice));
  ExpectBadRequest(repeated, R().id_param);
  // Parameter names are case-sensitive.
  HttpResponse cased = lrs_.Get(
      Target(With(Without(Doc("d"), R().id_param), R().is_state() ? "StateID" : "ProfileID", "d")));
  EXPECT_EQ(cased.status, 400) << cased;
  EXPECT_TRUE(ListIds().empty());
}

// The agent parameter is "a normal Agent Object with a single identifier"
// (Communication 2.4.s2; Data 2.4.2.1: exactly one IFI, mbox a mailto IRI,
// objectType "Agent" when present). Agents that parse but break those rules
// must be refused, not stored under whichever IFI the server picks.
TEST_P(DocumentAgentResourceTest, AgentParameterMustBeAValidAgent) {
  for (
      const char* agent : {
          R"({"objectType":"Agent","mbox":"mailto:ada@example.com","openid":"http://ada.example.com"})",
          R"({"objectType":"Agent","mbox":"ada@example.com"})",
          R"({"objectType":"Person","mbox":"mailto:ada@example.com"})",
      }) {
    HttpResponse put = Do(lrs_, bhttp::verb::put, Target(With(Doc("d"), "agent", agent)), "{}",
                          "application/json", {{"If-None-Match", "*"}});
    EXPECT_EQ(put.status, 400) << agent << "\n" << put;
    HttpResponse list = lrs_.Get(Target(With(Scope(), "agent", agent)));
    EXPECT_EQ(list.status, 400) << agent << "\n" << list;
  }
  // Nothing landed in the mbox agent's documents either.
  EXPECT_TRUE(ListIds().empty());
}

TEST_P(DocumentAgentResourceTest, AgentIsMatchedByItsIdentifierOnly) {
  ASSERT_EQ(Create("doc", R"({"v":1})").status, 204);
  // The same mbox, with a name and without objectType, names the same agent.
  Params same = With(Doc("doc"), "agent", R"({"name":"Ada L.","mbox":"mailto:ada@example.com"})");
  HttpResponse r = lrs_.Get(Target(same));
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, R"({"v":1})");
  // Another agent sees nothing.
  HttpResponse other = lrs_.Get(Target(With(Doc("doc"), "agent", kOtherAgent)));
  EXPECT_EQ(other.status, 404) << other;
}

TEST_P(DocumentResourceTest, CredentialWithoutTheDocumentScopeIsForbidden) {
  // A second server whose store holds two extra credentials, created before
  // lrsd opens it (as `lrsctl credential add` does).
  LrsProcess lrs;
  {
    auto db = lrs::store::Database::Open(lrs::store::DatabaseOptions{.path = lrs.data_dir()});
    ASSERT_TRUE(db.ok()) << db.status().message();
    lrs::store::CredentialStore credentials(db->get());
    ASSERT_TRUE(
        credentials.Put({"writer", "statements only", {"statements/write"}, "", ""}, "w-secret").ok());
    ASSERT_TRUE(credentials.Put({"reader", "read all", {"all/read"}, "", ""}, "r-secret").ok());
  }
  ASSERT_TRUE(lrs.Start());
  auto as = [&](const char* key, const char* secret, bhttp::verb method, const Params& p) {
    HttpRequest r;
    r.method = method;
    r.target = Query(R().path, p);
    r.authorization = BasicAuth(key, secret);
    if (method == bhttp::verb::put || method == bhttp::verb::post) {
      r.body = "{}";
      r.content_type = "application/json";
      r.headers = {{"If-None-Match", "*"}};
    }
    return lrs.Send(r);
  };
  for (auto method :
       {bhttp::verb::get, bhttp::verb::put, bhttp::verb::post, bhttp::verb::delete_}) {
    HttpResponse r = as("writer", "w-secret", method, Doc("d"));
    EXPECT_EQ(r.status, 403) << bhttp::to_string(method) << "\n" << r;
  }
  HttpResponse list = as("writer", "w-secret", bhttp::verb::get, Scope());
  EXPECT_EQ(list.status, 403) << list;
  // The writer may still write statements.
  HttpRequest statement =
      JsonRequest(bhttp::verb::post, "/xapi/statements", json::serialize(Statement()));
  statement.authorization = BasicAuth("writer", "w-secret");
  HttpResponse posted = lrs.Send(statement);
  EXPECT_EQ(posted.status, 200) << posted;

  // all/read reads documents but does not write them.
  HttpResponse read = as("reader", "r-secret", bhttp::verb::get, Doc("d"));
  EXPECT_EQ(read.status, 404) << read;
  HttpResponse write = as("reader", "r-secret", bhttp::verb::put, Doc("d"));
  EXPECT_EQ(write.status, 403) << write;
  HttpResponse admin_get = Do(lrs, bhttp::verb::get, Query(R().path, Doc("d")));
  EXPECT_EQ(admin_get.status, 404) << admin_get;
}

// The DocumentAgentResourceTest cases run against the two resources whose
// documents belong to an agent.
INSTANTIATE_TEST_SUITE_P(Documents, DocumentAgentResourceTest,
                         ::testing::Values(kState, kAgentProfile), ResourceName);

// ---------------------------------------------------------------------------
// State only: registration and delete-all.

class DocumentStateTest : public LrsTest {
 protected:
  static Params StateParams(const std::string& activity, const std::string& agent,
                            const std::string& registration = "") {
    Params p{{"activityId", activity}, {"agent", agent}};
    if (!registration.empty()) p.emplace_back("registration", registration);
    return p;
  }
  void PutState(const Params& scope, const std::string& id, const std::string& body) {
    HttpResponse r =
        Do(lrs_, bhttp::verb::put, Query("/xapi/activities/state", With(scope, "stateId", id)),
           body, "application/json");
    ASSERT_EQ(r.status, 204) << r;
  }
  std::vector<std::string> Ids(const Params& scope) {
    HttpResponse r = lrs_.Get(Query("/xapi/activities/state", scope));
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> ids;
    json::value v = r.Json();
    if (!v.is_array()) return ids;
    for (const auto& id : v.as_array()) ids.emplace_back(id.as_string());
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  int GetStatus(const Params& scope, const std::string& id) {
    return lrs_.Get(Query("/xapi/activities/state", With(scope, "stateId", id))).status;
  }
  HttpResponse DeleteAll(const Params& scope) {
    return Do(lrs_, bhttp::verb::delete_, Query("/xapi/activities/state", scope));
  }
};

TEST_F(DocumentStateTest, RegistrationScopesDocuments) {
  Params plain = StateParams(kActivity, kAgent);
  Params reg = StateParams(kActivity, kAgent, kRegistration);
  Params other_reg = StateParams(kActivity, kAgent, kOtherRegistration);
  PutState(plain, "plain", R"({"where":"plain"})");
  PutState(reg, "registered", R"({"where":"reg"})");
  PutState(reg, "both", R"({"where":"reg"})");
  PutState(plain, "both", R"({"where":"plain"})");

  EXPECT_EQ(Ids(plain), (IdList{"both", "plain"}));
  EXPECT_EQ(Ids(reg), (IdList{"both", "registered"}));
  EXPECT_TRUE(Ids(other_reg).empty());
  EXPECT_EQ(GetStatus(plain, "registered"), 404);
  EXPECT_EQ(GetStatus(reg, "plain"), 404);
  EXPECT_EQ(GetStatus(other_reg, "registered"), 404);
  HttpResponse r = lrs_.Get(Query("/xapi/activities/state", With(reg, "stateId", "both")));
  EXPECT_EQ(r.body, R"({"where":"reg"})") << r;

  // A registration is a UUID, whatever the case of its hex digits.
  std::string upper = kRegistration;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_EQ(GetStatus(StateParams(kActivity, kAgent, upper), "registered"), 200);
  EXPECT_EQ(Ids(StateParams(kActivity, kAgent, upper)), (IdList{"both", "registered"}));
}

TEST_F(DocumentStateTest, DeleteAllRemovesOnlyItsActivityAgentAndRegistration) {
  Params plain = StateParams(kActivity, kAgent);
  Params reg = StateParams(kActivity, kAgent, kRegistration);
  Params other_activity = StateParams(kOtherActivity, kAgent);
  Params other_agent = StateParams(kActivity, kOtherAgent);
  PutState(plain, "a", "{}");
  PutState(plain, "b", "{}");
  PutState(reg, "r1", "{}");
  PutState(reg, "r2", "{}");
  PutState(other_activity, "x", "{}");
  PutState(other_agent, "y", "{}");
  HttpResponse profile =
      Do(lrs_, bhttp::verb::put,
         Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "a"}}), "{}",
         "application/json", {{"If-None-Match", "*"}});
  ASSERT_EQ(profile.status, 204) << profile;

  HttpResponse del = DeleteAll(reg);
  EXPECT_EQ(del.status, 204) << del;
  EXPECT_TRUE(Ids(reg).empty());
  EXPECT_EQ(Ids(plain), (IdList{"a", "b"}));

  del = DeleteAll(plain);
  EXPECT_EQ(del.status, 204) << del;
  EXPECT_TRUE(Ids(plain).empty());
  EXPECT_EQ(GetStatus(plain, "a"), 404);
  EXPECT_EQ(Ids(other_activity), IdList{"x"});
  EXPECT_EQ(Ids(other_agent), IdList{"y"});
  HttpResponse kept =
      lrs_.Get(Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "a"}}));
  EXPECT_EQ(kept.status, 200) << kept;

  // Deleting an empty scope is fine; delete-all still needs activity and agent.
  EXPECT_EQ(DeleteAll(plain).status, 204);
  HttpResponse no_agent = DeleteAll(Without(plain, "agent"));
  EXPECT_EQ(no_agent.status, 400) << no_agent;
  HttpResponse no_activity = DeleteAll(Without(other_activity, "activityId"));
  EXPECT_EQ(no_activity.status, 400) << no_activity;
  EXPECT_EQ(Ids(other_activity), IdList{"x"});
}

TEST_F(DocumentStateTest, ActivityProfileIsSharedWhileAgentProfileIsPerAgent) {
  // The Activity Profile names no agent: one document for everyone.
  HttpResponse put =
      Do(lrs_, bhttp::verb::put,
         Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "cfg"}}),
         R"({"passing":0.8})", "application/json", {{"If-None-Match", "*"}});
  ASSERT_EQ(put.status, 204) << put;
  HttpResponse got = lrs_.Get(
      Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "cfg"}}));
  EXPECT_EQ(got.body, R"({"passing":0.8})") << got;

  for (const char* agent : {kAgent, kOtherAgent}) {
    HttpResponse p =
        Do(lrs_, bhttp::verb::put,
           Query("/xapi/agents/profile", {{"agent", agent}, {"profileId", "prefs"}}),
           std::string(R"({"who":)") + agent + "}", "application/json", {{"If-None-Match", "*"}});
    ASSERT_EQ(p.status, 204) << p;
  }
  for (const char* agent : {kAgent, kOtherAgent}) {
    HttpResponse p =
        lrs_.Get(Query("/xapi/agents/profile", {{"agent", agent}, {"profileId", "prefs"}}));
    EXPECT_EQ(p.body, std::string(R"({"who":)") + agent + "}") << p;
  }
}

}  // namespace
}  // namespace lrs_it::docs
