// State and Agent Profile documents under consent (docs/CONSENT.md,
// "Documents"): readable by the owner, the operator, the organisation that
// last wrote one, and an organisation with a live grant whose actions
// include "documents" and which covers it; hidden from everyone else exactly
// like an absent document (GET, HEAD and id lists). Writing over a document
// one cannot read is a 403. Activity Profile documents follow scopes alone.
#include <algorithm>
#include <thread>

#include "gtest/gtest.h"
#include "tests/integration/consent_world.h"

namespace lrs_it::consent {
namespace {

std::string StateScope(const std::string& activity, const json::object& agent,
                       const std::string& registration = "") {
  std::string t = "/xapi/activities/state?activityId=" + Enc(activity) + "&agent=" + AgentParam(agent);
  if (!registration.empty()) t += "&registration=" + registration;
  return t;
}
std::string ProfileScope(const json::object& agent) {
  return "/xapi/agents/profile?agent=" + AgentParam(agent);
}

// One document: its scope (list target), id parameter, an absent id of the
// same length, and the same scope for a stranger's identity.
struct Doc {
  std::string label;
  std::string scope;
  std::string id_param;
  std::string id;
  std::string absent_id;
  std::string stranger_scope;
  std::string body;
  std::string Target(const std::string& which) const { return scope + "&" + id_param + "=" + which; }
};

class ConsentDocuments : public LrsTest {
 protected:
  void SetUp() override {
    LrsTest::SetUp();
    if (HasFatalFailure()) return;
    lms_ = CreateOrg(lrs_, "LMS", {"statements/write", "statements/read", "state", "profile"});
    analytics_ = CreateOrg(lrs_, "Analytics", {"statements/read", "state", "profile"});
    snoop_ = CreateOrg(lrs_, "Snoop", {"statements/read", "state", "profile"});
    ada_ = CreateLearner(lrs_, "Ada", {ada_mbox_, ada_account_});
    bob_ = CreateLearner(lrs_, "Bob", {bob_mbox_});
    ASSERT_FALSE(HasFailure());
    const json::object zzz = MboxAgent("zzz@example.com");
    bookmark_ = {"State bookmark", StateScope(kCourseA1, ada_mbox_), "stateId", "bookmark",
                 "zzzzmark", StateScope(kCourseA1, zzz), R"({"page":7})"};
    progress_ = {"State progress (R1)", StateScope(kCourseB2, ada_mbox_, kR1), "stateId", "progress",
                 "zzzzress", StateScope(kCourseB2, zzz, kR1), R"({"pct":40})"};
    prefs_ = {"Agent Profile preferences", ProfileScope(ada_account_), "profileId", "preferences",
              "zzzzerences", ProfileScope(AccountAgent(kLmsHome, "zzz-7")), R"({"lang":"fr"})"};
    for (const Doc* d : {&bookmark_, &progress_, &prefs_}) {
      HttpResponse r = Put(lms_.cred, d->Target(d->id), d->body, true);
      ASSERT_EQ(r.status, 204) << d->label << "\n" << r;
    }
  }

  HttpResponse Put(const Cred& who, const std::string& target, const std::string& body,
                   bool create = false) {
    Headers h;
    if (create) h.emplace_back("If-None-Match", "*");
    return Call(lrs_, who, bhttp::verb::put, target, body, "application/json", h);
  }

  std::vector<std::string> List(const Cred& who, const std::string& scope) {
    HttpResponse r = GetAs(lrs_, who, scope);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> ids;
    json::value v = r.Json();
    if (v.is_array()) {
      for (const auto& x : v.as_array()) ids.emplace_back(x.as_string());
    }
    return ids;
  }

  // `who` reads `d` (GET, HEAD, id list), or finds nothing at all.
  void ExpectReads(const std::string& label, const Cred& who, const Doc& d, bool readable) {
    SCOPED_TRACE(label + " reading " + d.label);
    HttpResponse got = GetAs(lrs_, who, d.Target(d.id));
    HttpResponse head = HeadAs(lrs_, who, d.Target(d.id));
    std::vector<std::string> ids = List(who, d.scope);
    bool listed = std::find(ids.begin(), ids.end(), d.id) != ids.end();
    if (readable) {
      EXPECT_EQ(got.status, 200) << got;
      EXPECT_EQ(got.body, d.body);
      EXPECT_EQ(head.status, 200) << head;
      EXPECT_TRUE(listed);
      return;
    }
    HttpResponse absent = GetAs(lrs_, who, d.Target(d.absent_id));
    EXPECT_EQ(absent.status, 404) << absent;
    EXPECT_TRUE(Indistinguishable(got, SwapText(absent, d.absent_id, d.id)));
    EXPECT_TRUE(Indistinguishable(head, HeadAs(lrs_, who, d.Target(d.absent_id))));
    EXPECT_FALSE(listed);
    // The list answers like the list of a stranger's scope (Last-Modified
    // included: the document was written seconds ago, the lists are "now").
    EXPECT_TRUE(Indistinguishable(GetAs(lrs_, who, d.scope), GetAs(lrs_, who, d.stranger_scope)))
        << "id list";
  }

  void ExpectReadsAll(const std::string& label, const Cred& who, std::optional<bool> bookmark,
                      std::optional<bool> progress, std::optional<bool> prefs) {
    if (bookmark) ExpectReads(label, who, bookmark_, *bookmark);
    if (progress) ExpectReads(label, who, progress_, *progress);
    if (prefs) ExpectReads(label, who, prefs_, *prefs);
  }

  Org lms_, analytics_, snoop_;
  Learner ada_, bob_;
  json::object ada_mbox_ = MboxAgent("ada@example.com");
  json::object ada_account_ = AccountAgent(kLmsHome, "ada-7");
  json::object bob_mbox_ = MboxAgent("bob@example.com");
  Doc bookmark_, progress_, prefs_;
};

TEST_F(ConsentDocuments, ReadableByOwnerWriterOperatorAndCoveringDocumentGrantsOnly) {
  // Lists of hidden documents must not carry their Last-Modified.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ExpectReadsAll("LMS (last writer)", lms_.cred, true, true, true);
  ExpectReadsAll("Ada (owner)", ada_.cred, true, true, true);
  ExpectReadsAll("operator", AdminCred(), true, true, true);
  ExpectReadsAll("Bob (another learner)", bob_.cred, false, false, false);
  ExpectReadsAll("Snoop (no grant)", snoop_.cred, false, false, false);
  ExpectReadsAll("Analytics (no grant)", analytics_.cred, false, false, false);

  struct Scenario {
    std::string label;
    json::object grant;
    std::optional<bool> bookmark, progress, prefs;
  };
  const json::array docs_only{"documents"};
  const json::array both{"statements", "documents"};
  const std::vector<Scenario> scenarios = {
      {"statements-only grant", {}, false, false, false},
      {"statements+documents", {{"actions", both}}, true, true, true},
      {"documents only", {{"actions", docs_only}}, true, true, true},
      // An Agent Profile document has no activity: not covered when an
      // activity restriction is given.
      {"documents, prefix course/a/",
       {{"actions", both}, {"activityPrefixes", json::array{kCoursePrefixA}}}, true, false, false},
      {"documents, activity course/b/2",
       {{"actions", both}, {"activities", json::array{kCourseB2}}}, false, true, false},
      // The registration of a State document; the contract leaves Agent
      // Profile documents under a registration restriction open.
      {"documents, registration R1",
       {{"actions", both}, {"registrations", json::array{kR1}}}, false, true, std::nullopt},
      // since/until apply to the document's last change (seconds ago).
      {"documents, until 2020", {{"actions", both}, {"until", "2020-01-01T00:00:00Z"}}, false, false,
       false},
      {"documents, since 2020", {{"actions", both}, {"since", "2020-01-01T00:00:00Z"}}, true, true,
       true},
      {"documents, verbs (not applied to documents)",
       {{"actions", both}, {"verbs", json::array{kCompleted}}}, true, true, true},
  };
  for (const auto& s : scenarios) {
    json::object body = s.grant;
    body["organisation"] = analytics_.id;
    std::string grant = MakeGrant(lrs_, ada_, body);
    ExpectReadsAll("Analytics, " + s.label, analytics_.cred, s.bookmark, s.progress, s.prefs);
    // Ada's grant to Analytics gives Snoop nothing.
    ExpectReads("Snoop", snoop_.cred, bookmark_, false);
    RevokeGrant(lrs_, ada_, grant);
    ExpectReadsAll("Analytics after revoking " + s.label, analytics_.cred, false, false, false);
  }

  // Activity Profile documents belong to no learner: scopes alone.
  const std::string syllabus =
      "/xapi/activities/profile?activityId=" + Enc(kCourseA1) + "&profileId=syllabus";
  ASSERT_EQ(Put(lms_.cred, syllabus, R"({"weeks":4})", true).status, 204);
  for (const auto& who : {snoop_.cred, analytics_.cred, lms_.cred}) {
    HttpResponse r = GetAs(lrs_, who, syllabus);
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body, R"({"weeks":4})");
  }
}

TEST_F(ConsentDocuments, WritingOverADocumentOneCannotReadIs403) {
  const Doc& d = bookmark_;
  // Snoop knows the name but may not read it: no overwrite, no merge.
  EXPECT_EQ(Put(snoop_.cred, d.Target(d.id), R"({"page":1})").status, 403);
  EXPECT_EQ(Call(lrs_, snoop_.cred, bhttp::verb::post, d.Target(d.id), R"({"x":1})",
                 "application/json").status,
            403);
  EXPECT_EQ(Call(lrs_, snoop_.cred, bhttp::verb::put, prefs_.Target(prefs_.id), R"({"lang":"xx"})",
                 "application/json", {{"If-Match", "*"}}).status,
            403);
  // Deleting it (one document, or the whole State scope) destroys nothing.
  HttpResponse del = DeleteAs(lrs_, snoop_.cred, d.Target(d.id));
  EXPECT_NE(del.status / 100, 5) << del;
  HttpResponse del_all = DeleteAs(lrs_, snoop_.cred, d.scope);
  EXPECT_NE(del_all.status / 100, 5) << del_all;
  HttpResponse kept = GetAs(lrs_, lms_.cred, d.Target(d.id));
  EXPECT_EQ(kept.status, 200) << kept;
  EXPECT_EQ(kept.body, d.body) << "Snoop changed or deleted the LMS's document";
  HttpResponse prefs_kept = GetAs(lrs_, lms_.cred, prefs_.Target(prefs_.id));
  EXPECT_EQ(prefs_kept.body, prefs_.body);

  // Snoop may create a new document for Ada; then it, not the LMS, reads it.
  const std::string note = d.Target("snoopnote");
  ASSERT_EQ(Put(snoop_.cred, note, R"({"n":1})").status, 204);
  EXPECT_EQ(GetAs(lrs_, snoop_.cred, note).status, 200);
  EXPECT_EQ(GetAs(lrs_, ada_.cred, note).status, 200);
  EXPECT_TRUE(Indistinguishable(GetAs(lrs_, lms_.cred, note),
                                SwapText(GetAs(lrs_, lms_.cred, d.Target("zzzzznote")),
                                         "zzzzznote", "snoopnote")));
  EXPECT_EQ(List(lms_.cred, d.scope), std::vector<std::string>{"bookmark"});
  EXPECT_EQ(List(snoop_.cred, d.scope), std::vector<std::string>{"snoopnote"});
  std::vector<std::string> adas = List(ada_.cred, d.scope);
  std::sort(adas.begin(), adas.end());
  EXPECT_EQ(adas, (std::vector<std::string>{"bookmark", "snoopnote"}));
  // And the LMS may not write over Snoop's document.
  EXPECT_EQ(Put(lms_.cred, note, R"({"n":2})").status, 403);

  // A learner writes documents for its own identities only, and no
  // Activity Profile documents.
  EXPECT_EQ(Put(ada_.cred, StateScope(kCourseA1, bob_mbox_) + "&stateId=mine", "{}").status, 403);
  EXPECT_EQ(Put(ada_.cred, ProfileScope(bob_mbox_) + "&profileId=mine", "{}", true).status, 403);
  EXPECT_EQ(Put(ada_.cred,
                "/xapi/activities/profile?activityId=" + Enc(kCourseA1) + "&profileId=mine", "{}",
                true)
                .status,
            403);
  const std::string own = StateScope(kCourseA1, ada_account_) + "&stateId=mine";
  ASSERT_EQ(Put(ada_.cred, own, R"({"own":true})").status, 204);
  EXPECT_EQ(GetAs(lrs_, lms_.cred, own).status, 404);
  EXPECT_EQ(GetAs(lrs_, AdminCred(), own).status, 200);

  // The owner may overwrite the LMS's document; it stays the LMS's (its
  // creator), so the LMS still reads and writes it.
  ASSERT_EQ(Put(ada_.cred, d.Target(d.id), R"({"page":8})").status, 204);
  HttpResponse after = GetAs(lrs_, lms_.cred, d.Target(d.id));
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, R"({"page":8})");
  EXPECT_EQ(Put(lms_.cred, d.Target(d.id), R"({"page":9})").status, 204);
  EXPECT_EQ(GetAs(lrs_, ada_.cred, d.Target(d.id)).body, R"({"page":9})");
}

// A grant with "documents" reads; it never writes, and what it read is not
// the grantee's after the grant goes.
TEST_F(ConsentDocuments, DocumentGrantIsReadOnly) {
  std::string grant = MakeGrant(lrs_, ada_, json::object{{"organisation", analytics_.id},
                                                         {"actions", json::array{"documents"}}});
  const std::string target = bookmark_.Target(bookmark_.id);
  ASSERT_EQ(GetAs(lrs_, analytics_.cred, target).status, 200);
  EXPECT_EQ(Put(analytics_.cred, target, R"({"x":1})").status, 403);
  EXPECT_EQ(PostJsonAs(lrs_, analytics_.cred, target, json::object{{"x", 1}}).status, 403);
  EXPECT_EQ(DeleteAs(lrs_, analytics_.cred, target).status, 403);
  // The LMS still owns and reads it, unchanged.
  HttpResponse lms = GetAs(lrs_, lms_.cred, target);
  EXPECT_EQ(lms.status, 200);
  EXPECT_EQ(lms.body, bookmark_.body);
  RevokeGrant(lrs_, ada_, grant);
  EXPECT_EQ(GetAs(lrs_, analytics_.cred, target).status, 404);
}

TEST_F(ConsentDocuments, DocumentReadsByOthersAreAudited) {
  MakeGrant(lrs_, ada_, json::object{{"organisation", analytics_.id},
                                     {"actions", json::array{"documents"}}});
  ASSERT_EQ(GetAs(lrs_, ada_.cred, bookmark_.Target(bookmark_.id)).status, 200);
  ASSERT_EQ(GetAs(lrs_, snoop_.cred, bookmark_.Target(bookmark_.id)).status, 404);
  const std::string target = bookmark_.Target(bookmark_.id);
  ASSERT_EQ(GetAs(lrs_, analytics_.cred, target).status, 200);
  HttpResponse audit = GetAs(lrs_, ada_.cred, "/me/audit");
  ASSERT_EQ(audit.status, 200) << audit;
  json::array entries = ObjectOf(audit)["entries"].as_array();
  ASSERT_EQ(entries.size(), 1u) << audit;
  EXPECT_EQ(entries[0].at("organisation"), json::value(analytics_.id));
  EXPECT_EQ(entries[0].at("kind"), json::value("documents"));
  EXPECT_EQ(entries[0].at("request"), json::value(target));
  EXPECT_EQ(entries[0].at("returned"), json::value(1));
  EXPECT_EQ(entries[0].at("method"), json::value("GET"));
}

}  // namespace
}  // namespace lrs_it::consent
