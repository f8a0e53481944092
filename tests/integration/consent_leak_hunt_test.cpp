// The leak hunt (docs/CONSENT.md, "The read rule"): for every read path,
// each principal sees exactly its share of the fixture world of
// consent_world.h, and everything else answers as if it did not exist.
// Principals: the operator, the owner (Ada), other learners, the writer
// organisation (LMS, rule 3), an organisation with a grant (Analytics) and
// one without (Snoop, which wrote one statement about Ada itself).
//
// `more` links, StatementRefs, attachments by hash and learner writes are in
// consent_leak_paths_test.cpp.
#include <thread>

#include "gtest/gtest.h"
#include "tests/integration/consent_world.h"

namespace lrs_it::consent {
namespace {

class ConsentLeakHunt : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    if (HasFatalFailure() || HasFailure()) return;
    check_.emplace(lrs_, w_);
  }

  Expect Nothing(const std::string& label) const { return {label, {}, false, false, false}; }
  Expect AnalyticsSees(const std::string& label, const IdSet& visible, bool a5,
                       std::optional<bool> person = true) const {
    return {label, visible, a5, person, false};
  }

  std::optional<WorldChecker> check_;
};

// Without any grant: each principal sees its own share and nothing more.
TEST_F(ConsentLeakHunt, EachPrincipalSeesExactlyItsShareWithoutGrants) {
  check_->CheckView(AdminCred(), {"operator", w_.Everything(), true, true, true});
  check_->CheckView(w_.ada.cred, {"owner Ada", w_.AdaAll(), true, true, false});
  check_->CheckView(w_.bob.cred, {"learner Bob", w_.BobAll(), false, false, false});
  check_->CheckView(w_.cy.cred, {"learner Cy", w_.Ids({"c1"}), false, false, false});
  // Rule 3: the writer sees what it wrote (group statements and the
  // unclaimed identity's included), not what Snoop or Ada wrote about Ada.
  check_->CheckView(w_.lms.cred, {"writer LMS", w_.LmsWrote(), true, false, false});
  check_->CheckView(w_.snoop.cred, {"Snoop", w_.Ids({"snoopA"}), false, false, false});
  check_->CheckView(w_.analytics.cred, Nothing("Analytics without grant"));
}

// Group statements (docs/CONSENT.md, "Group actors"): the operator and the
// writer only, never through a grant, not in a member's record.
TEST_F(ConsentLeakHunt, GroupStatementsOnlyToOperatorAndWriter) {
  const IdSet groups = w_.Ids({"g1", "g2"});
  MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id}});
  MakeGrant(lrs_, w_.bob, json::object{{"organisation", w_.analytics.id}});
  for (const auto& [label, cred] : std::vector<std::pair<std::string, Cred>>{
           {"Ada", w_.ada.cred}, {"Bob", w_.bob.cred}, {"Analytics", w_.analytics.cred},
           {"Snoop", w_.snoop.cred}}) {
    IdSet got = QueryIds(lrs_, cred, "/xapi/statements");
    for (const auto& g : groups) EXPECT_EQ(got.count(g), 0u) << label << " sees " << w_.Name(g);
    for (const auto& g : groups) {
      EXPECT_EQ(GetAs(lrs_, cred, "/xapi/statements?statementId=" + g).status, 404) << label;
    }
    IdSet team = QueryIds(lrs_, cred,
                          "/xapi/statements?agent=" +
                              AgentParam(json::object{{"objectType", "Group"},
                                                      {"mbox", "mailto:team@example.com"}}));
    EXPECT_EQ(w_.Names(team), "{}") << label;
  }
  for (const auto& cred : {AdminCred(), w_.lms.cred}) {
    IdSet got = QueryIds(lrs_, cred, "/xapi/statements");
    for (const auto& g : groups) EXPECT_EQ(got.count(g), 1u) << cred.key << " " << w_.Name(g);
  }
  check_->CheckView(w_.analytics.cred,
                    AnalyticsSees("Analytics granted by Ada and Bob",
                                  [&] {
                                    IdSet s = w_.AdaAll();
                                    for (const auto& b : w_.BobAll()) s.insert(b);
                                    return s;
                                  }(),
                                  true));
}

// One grant at a time, each narrowed in one way, checked on every read
// path; revoking it leaves Analytics with nothing again.
TEST_F(ConsentLeakHunt, NarrowedGrantsShowExactlyWhatTheyCover) {
  struct Scenario {
    std::string label;
    json::object grant;  // Ada's grant to Analytics (organisation added)
    std::vector<const char*> visible;
    bool a5;
  };
  const std::vector<Scenario> scenarios = {
      {"unrestricted", {}, {"a1", "a2", "a3", "a4", "v1", "ref1", "snoopA", "a6"}, true},
      {"verb completed", {{"verbs", json::array{kCompleted}}}, {"a1", "a4"}, false},
      {"verb experienced", {{"verbs", json::array{kExperienced}}}, {"a2", "ref1", "snoopA"}, true},
      {"activity prefix course/a/",
       {{"activityPrefixes", json::array{kCoursePrefixA}}},
       {"a1", "a2", "a4", "snoopA"},
       false},
      {"one activity course/b/2", {{"activities", json::array{kCourseB2}}}, {"a3"}, false},
      {"activity or prefix",
       {{"activities", json::array{kCourseB2}}, {"activityPrefixes", json::array{kCoursePrefixA}}},
       {"a1", "a2", "a3", "a4", "snoopA"},
       false},
      {"registration R1", {{"registrations", json::array{kR1}}}, {"a1", "a3"}, false},
      // since is exclusive (a2 sits on it), until inclusive (a4 sits on it,
      // written with a +02:00 offset).
      {"time window",
       {{"since", "2025-01-01T00:00:00Z"}, {"until", "2025-09-01T00:00:00Z"}},
       {"a3", "a4"},
       false},
      {"verb + prefix + since",
       {{"verbs", json::array{kCompleted}},
        {"activityPrefixes", json::array{kCoursePrefixA}},
        {"since", "2021-01-01T00:00:00Z"}},
       {"a4"},
       false},
      {"explicit statements action",
       {{"actions", json::array{"statements"}}, {"verbs", json::array{kCommented}}},
       {"a6"},
       false},
  };
  for (const auto& s : scenarios) {
    SCOPED_TRACE(s.label);
    json::object body = s.grant;
    body["organisation"] = w_.analytics.id;
    body["purpose"] = "scenario " + s.label;
    std::string grant = MakeGrant(lrs_, w_.ada, body);
    IdSet visible;
    for (const char* n : s.visible) visible.insert(w_.id.at(n));
    check_->CheckView(w_.analytics.cred, AnalyticsSees("Analytics, " + s.label, visible, s.a5));
    // The other principals are unaffected by Ada's grant to Analytics.
    check_->CheckQueryAndIds(w_.snoop.cred, {"Snoop", w_.Ids({"snoopA"}), false, false, false});
    RevokeGrant(lrs_, w_.ada, grant);
    check_->CheckQueryAndIds(w_.analytics.cred, Nothing("Analytics after revoking " + s.label));
  }
}

// A grant with only the documents action shows no statement.
TEST_F(ConsentLeakHunt, DocumentsOnlyGrantShowsNoStatements) {
  MakeGrant(lrs_, w_.ada,
            json::object{{"organisation", w_.analytics.id}, {"actions", json::array{"documents"}}});
  check_->CheckView(w_.analytics.cred,
                    {"Analytics with a documents-only grant", {}, false, std::nullopt, false});
}

// Grants of two learners apply each to its own learner's partitions.
TEST_F(ConsentLeakHunt, GrantsOfTwoLearnersDoNotMix) {
  MakeGrant(lrs_, w_.ada,
            json::object{{"organisation", w_.analytics.id}, {"registrations", json::array{kR1}}});
  MakeGrant(lrs_, w_.bob,
            json::object{{"organisation", w_.analytics.id}, {"verbs", json::array{kExperienced}}});
  // b1 (R1, Bob's) and c1 (R1, Cy's: no grant) stay hidden.
  check_->CheckView(w_.analytics.cred,
                    AnalyticsSees("Analytics, Ada R1 + Bob experienced",
                                  w_.Ids({"a1", "a3", "b2"}), false));
  // Ada's grant is to Analytics, not to Snoop or the LMS.
  check_->CheckView(w_.snoop.cred, {"Snoop", w_.Ids({"snoopA"}), false, false, false});
  check_->CheckQueryAndIds(w_.lms.cred, {"writer LMS", w_.LmsWrote(), true, false, false});
}

// Revocation applies to the very next request, and to `more` links taken
// before it.
TEST_F(ConsentLeakHunt, RevocationHidesEverythingFromTheNextRequest) {
  std::string grant = MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id}});
  Paged first = QueryAs(lrs_, w_.analytics.cred, "/xapi/statements?limit=2");
  ASSERT_FALSE(first.more.empty());
  HttpResponse page1 = GetAs(lrs_, w_.analytics.cred, "/xapi/statements?limit=2");
  ASSERT_EQ(page1.status, 200) << page1;
  std::string link(ObjectOf(page1)["more"].as_string());
  ASSERT_FALSE(link.empty());
  EXPECT_EQ(w_.Names(first.ids), w_.Names(w_.AdaAll()));

  RevokeGrant(lrs_, w_.ada, grant);
  check_->CheckView(w_.analytics.cred, Nothing("Analytics after revocation"));
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.analytics.cred, link)), "{}") << "old more link";
  EXPECT_EQ(GrantStatuses(lrs_, w_.ada)[grant], "revoked");
  // The owner still sees everything.
  check_->CheckQueryAndIds(w_.ada.cred, {"owner Ada", w_.AdaAll(), true, true, false});
}

// A grant that expires: visible before, nothing after (to the second).
TEST_F(ConsentLeakHunt, ExpiredGrantShowsNothing) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto expires = time_point_cast<seconds>(now) + seconds(3);  // 2-3 s ahead, whole second
  std::string grant = MakeGrant(
      lrs_, w_.ada,
      json::object{{"organisation", w_.analytics.id}, {"expires", IsoSeconds(expires)}});
  HttpResponse page1 = GetAs(lrs_, w_.analytics.cred, "/xapi/statements?limit=2");
  ASSERT_EQ(page1.status, 200) << page1;
  std::string link(ObjectOf(page1)["more"].as_string());
  // Quick checks only, to stay well inside the grant's life.
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.analytics.cred, "/xapi/statements")), w_.Names(w_.AdaAll()))
      << "before expiry";
  EXPECT_EQ(GetAs(lrs_, w_.analytics.cred, "/xapi/statements?statementId=" + w_.id["a1"]).status, 200);
  ASSERT_LT(system_clock::now(), expires) << "the before-expiry checks took too long to mean anything";
  EXPECT_EQ(GrantStatuses(lrs_, w_.ada)[grant], "live");

  std::this_thread::sleep_until(expires + milliseconds(600));
  check_->CheckView(w_.analytics.cred, Nothing("Analytics after expiry"));
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.analytics.cred, link)), "{}") << "more link after expiry";
  EXPECT_EQ(GrantStatuses(lrs_, w_.ada)[grant], "expired");
}

// Linking an identity hands its partition over: zed's statement, the LMS's
// under rule 3 until now, becomes Cy's record and reachable by Cy's grant.
TEST_F(ConsentLeakHunt, LinkingAnIdentityHandsOverItsPartition) {
  MakeGrant(lrs_, w_.cy, json::object{{"organisation", w_.analytics.id}});
  check_->CheckQueryAndIds(w_.cy.cred, {"Cy before link", w_.Ids({"c1"}), false, false, false});
  check_->CheckQueryAndIds(w_.analytics.cred,
                           {"Analytics before link", w_.Ids({"c1"}), false, false, false});
  HttpResponse link = PostJsonAs(lrs_, AdminCred(), "/admin/learners/" + w_.cy.id + "/identities",
                                 w_.zed_mbox);
  ASSERT_EQ(link.status, 200) << link;
  check_->CheckQueryAndIds(w_.cy.cred, {"Cy after link", w_.Ids({"c1", "z1"}), false, false, false});
  check_->CheckQueryAndIds(w_.analytics.cred,
                           {"Analytics after link", w_.Ids({"c1", "z1"}), false, false, false});
  check_->CheckQueryAndIds(w_.lms.cred, {"writer LMS", w_.LmsWrote(), true, false, false});
  check_->CheckQueryAndIds(w_.snoop.cred, {"Snoop", w_.Ids({"snoopA"}), false, false, false});
  // Another learner cannot take it.
  HttpResponse taken = PostJsonAs(lrs_, AdminCred(),
                                  "/admin/learners/" + w_.ada.id + "/identities", w_.zed_mbox);
  EXPECT_EQ(taken.status, 409) << taken;
  check_->CheckQueryAndIds(w_.ada.cred, {"owner Ada", w_.AdaAll(), true, true, false});
}

}  // namespace
}  // namespace lrs_it::consent
