// The leak hunt, continued (see consent_leak_hunt_test.cpp): `more` links
// replayed by another credential or edited by hand, StatementRefs that point
// into other partitions, attachments asked for by hash, and learner
// credentials writing for identities that are not theirs.
#include <cstdint>
#include <iostream>

#include "gtest/gtest.h"
#include "tests/integration/consent_world.h"

namespace lrs_it::consent {
namespace {


class ConsentLeakPaths : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    if (HasFatalFailure() || HasFailure()) return;
  }

  // The `more` link of the first page of `target` as `who`.
  std::string FirstMore(const Cred& who, const std::string& target) {
    HttpResponse r = GetAs(lrs_, who, target);
    EXPECT_EQ(r.status, 200) << r;
    if (r.status != 200) return "";
    std::string more(ObjectOf(r)["more"].as_string());
    EXPECT_FALSE(more.empty()) << "expected more than one page\n" << r;
    return more;
  }

  struct Principal {
    std::string label;
    Cred cred;
    IdSet visible;
    bool sees_a5 = false;  // the voided a5, by voidedStatementId
    IdSet Targets(const World& w) const {
      IdSet t = visible;
      if (sees_a5) t.insert(w.id.at("a5"));
      return t;
    }
  };
  // Every principal's view, with Ada's unrestricted grant to Analytics.
  std::vector<Principal> Principals() const {
    return {{"Ada", w_.ada.cred, w_.AdaAll(), true},
            {"Bob", w_.bob.cred, w_.BobAll(), false},
            {"Analytics", w_.analytics.cred, w_.AdaAll(), true},
            {"Snoop", w_.snoop.cred, w_.Ids({"snoopA"}), false},
            {"LMS", w_.lms.cred, w_.LmsWrote(), true}};
  }
  // v1 voids a5 (experienced): what the operator finds through a5.
  std::map<std::string, std::string> V1ViaA5() const { return {{w_.id.at("v1"), w_.id.at("a5")}}; }

  // A `more` link presented by each principal shows exactly the part of the
  // operator's answer to the same link that the principal may see (for
  // `via_ref`, what the operator matched through a StatementRef target, see
  // FilterAnswer in consent_world.h).
  void ExpectReplays(const std::string& link, const std::string& what,
                     const std::map<std::string, std::string>& via_ref = {}) {
    IdSet op = QueryIds(lrs_, AdminCred(), link);
    for (const auto& p : Principals()) {
      Paged got = QueryAs(lrs_, p.cred, link, /*allow_error=*/true);
      if (!got.all_ok) {
        // A server may refuse a link it did not issue to this credential;
        // then it must be a plain 400 that reveals nothing.
        EXPECT_EQ(got.first_error_status, 400) << p.label << " presenting " << what;
        continue;
      }
      EXPECT_TRUE(FilterAnswer(w_, got.ids, op, via_ref, p.visible, p.Targets(w_)))
          << p.label << " presenting " << what;
    }
  }

};

TEST_F(ConsentLeakPaths, MoreLinksReplayedByAnotherCredential) {
  MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id}});
  // Links issued to the owner, the operator, Analytics and the LMS.
  std::string ada_link = FirstMore(w_.ada.cred, "/xapi/statements?limit=2");
  std::string op_link = FirstMore(AdminCred(), "/xapi/statements?limit=2");
  std::string analytics_link = FirstMore(w_.analytics.cred, "/xapi/statements?limit=2");
  std::string lms_link = FirstMore(w_.lms.cred, "/xapi/statements?limit=2&ascending=true");
  std::string filtered_link =
      FirstMore(AdminCred(), "/xapi/statements?limit=1&verb=" + Enc(kExperienced));
  ASSERT_FALSE(ada_link.empty() || op_link.empty() || analytics_link.empty() ||
               lms_link.empty() || filtered_link.empty());
  // The operator's answer for Ada's link reaches beyond Ada's partitions
  // (a link holds the query and a position, not the presenter's scope), so
  // the replays below mean something.
  EXPECT_NE(Intersect(QueryIds(lrs_, AdminCred(), ada_link), w_.BobAll()), IdSet{});
  ExpectReplays(ada_link, "Ada's link");
  ExpectReplays(op_link, "the operator's link");
  ExpectReplays(analytics_link, "Analytics' link");
  ExpectReplays(lms_link, "the LMS's link");
  ExpectReplays(filtered_link, "the operator's verb=experienced link", V1ViaA5());
}

TEST_F(ConsentLeakPaths, MoreLinksEditedByHand) {
  MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id}});
  std::string link = FirstMore(w_.ada.cred, "/xapi/statements?limit=2");
  ASSERT_FALSE(link.empty());
  // Position moved back to the top: the whole visible set, nothing more.
  auto restart = EditMoreLink(link, [](json::object& t) {
    if (t.contains("n")) t["n"] = uint64_t{1} << 62;
  });
  // Query replaced: another filter from the same position.
  auto refiltered = EditMoreLink(link, [&](json::object& t) {
    t["q"] = "limit=2&verb=" + Enc(kExperienced);
  });
  // Query replaced by one naming Bob's identity, from the top.
  auto bob = EditMoreLink(link, [&](json::object& t) {
    t["q"] = "limit=2&agent=" + AgentParam(w_.bob_mbox);
    if (t.contains("n")) t["n"] = uint64_t{1} << 62;
  });
  if (!restart || !refiltered || !bob) {
    std::cout << "[ NOTE     ] the more token is not base64url JSON; hand edits not tried: "
              << link << "\n";
    return;
  }
  ExpectReplays(*restart, "a link moved to the top");
  ExpectReplays(*refiltered, "a link with another verb filter", V1ViaA5());
  // Moved to the top, each sees its whole share (nothing posted since).
  for (const auto& p : Principals()) {
    Paged got = QueryAs(lrs_, p.cred, *restart, /*allow_error=*/true);
    if (got.all_ok) {
      EXPECT_EQ(w_.Names(got.ids), w_.Names(p.visible)) << p.label;
    }
  }
  // Bob's statements through an edited link: only to Bob and the LMS.
  for (const auto& p : Principals()) {
    Paged got = QueryAs(lrs_, p.cred, *bob, /*allow_error=*/true);
    if (!got.all_ok) {
      EXPECT_EQ(got.first_error_status, 400) << p.label;
      continue;
    }
    IdSet bobs = Intersect(got.ids, w_.BobAll());
    IdSet expected = Intersect(w_.BobAll(), p.visible);
    EXPECT_EQ(w_.Names(bobs), w_.Names(expected)) << p.label << " via an edited agent=bob link";
  }
  // Garbage and truncated tokens: a plain 400, the same for every presenter.
  for (const auto& bad :
       {link.substr(0, link.size() - 3), std::string("/xapi/statements?more=AAAA")}) {
    HttpResponse as_ada = GetAs(lrs_, w_.ada.cred, bad);
    EXPECT_EQ(as_ada.status, 400) << as_ada;
    EXPECT_TRUE(Indistinguishable(GetAs(lrs_, w_.snoop.cred, bad), as_ada)) << bad;
  }
}

// A StatementRef in Ada's partition targets Bob's b1. xAPI filters match a
// statement through its StatementRef target, but a reader that cannot see
// b1 must get what it would get were b1 never stored: ref1 must not match
// agent=bob, verb=completed, activity=course/a/1 or registration=R1 for Ada
// or Analytics (that would reveal b1's properties). Whether ref1 matches
// for readers who do see b1 is left open (see FilterAnswer).
TEST_F(ConsentLeakPaths, StatementRefDoesNotRevealItsTargetThroughFilters) {
  MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id}});
  const std::string ref1 = w_.id.at("ref1");
  struct Filter {
    std::string query;
    std::vector<const char*> ada_share;  // what Ada and Analytics get
  };
  const std::vector<Filter> filters = {
      {"agent=" + AgentParam(w_.bob_mbox), {}},
      {"verb=" + Enc(kCompleted), {"a1", "a4"}},
      {"activity=" + Enc(kCourseA1), {"a1", "snoopA"}},
      {"registration=" + std::string(kR1), {"a1", "a3"}},
  };
  for (const auto& f : filters) {
    IdSet expected;
    for (const char* n : f.ada_share) expected.insert(w_.id.at(n));
    for (const auto& [label, cred] :
         std::vector<std::pair<std::string, Cred>>{{"Ada", w_.ada.cred},
                                                   {"Analytics", w_.analytics.cred}}) {
      IdSet got = QueryIds(lrs_, cred, "/xapi/statements?limit=3&" + f.query);
      EXPECT_EQ(w_.Names(got), w_.Names(expected)) << label << " " << f.query;
    }
    // The operator gets ref1 through b1, as xAPI requires; the LMS sees
    // both, so ref1 may match for it.
    IdSet op = QueryIds(lrs_, AdminCred(), "/xapi/statements?" + f.query);
    EXPECT_EQ(op.count(ref1), 1u) << "operator " << f.query;
    IdSet lms = QueryIds(lrs_, w_.lms.cred, "/xapi/statements?" + f.query);
    EXPECT_TRUE(FilterAnswer(w_, lms, op, {{ref1, w_.id.at("b1")}}, w_.LmsWrote(), w_.LmsWrote()))
        << "LMS " << f.query;
  }
  // Once Bob grants b1 to Analytics, Analytics gets b1 itself (and ref1
  // may match through it); Ada still finds nothing of Bob's.
  MakeGrant(lrs_, w_.bob,
            json::object{{"organisation", w_.analytics.id}, {"verbs", json::array{kCompleted}}});
  const std::string by_bob = "/xapi/statements?agent=" + AgentParam(w_.bob_mbox);
  IdSet analytics_sees = w_.AdaAll();
  analytics_sees.insert(w_.id.at("b1"));
  IdSet got = QueryIds(lrs_, w_.analytics.cred, by_bob);
  EXPECT_TRUE(FilterAnswer(w_, got, QueryIds(lrs_, AdminCred(), by_bob),
                           {{ref1, w_.id.at("b1")}}, analytics_sees, analytics_sees));
  got = QueryIds(lrs_, w_.ada.cred, "/xapi/statements?agent=" + AgentParam(w_.bob_mbox));
  EXPECT_EQ(w_.Names(got), "{}");
  // The target itself stays out of reach by id for Ada.
  EXPECT_EQ(GetAs(lrs_, w_.ada.cred, "/xapi/statements?statementId=" + w_.id.at("b1")).status, 404);
}

// A StatementRef to a statement of the same partition that the reader's
// grant does not cover must not match through that target either: else a
// grant for "commented" statements reveals, filter by filter, the verb,
// activity and registration of the statement commented on. (docs/CONSENT.md
// says a StatementRef matches its target's properties when the target is in
// the same partition; that must still be only a target the reader sees, or
// the read rule's "indistinguishable from nothing" does not hold.)
TEST_F(ConsentLeakPaths, SamePartitionStatementRefDoesNotRevealAnUncoveredTarget) {
  const char* failed = "http://adlnet.gov/expapi/verbs/failed";
  const char* secret = "https://example.org/course/secret";
  json::object f = MakeStatement(w_.ada_mbox, failed, ActivityObject(secret), "2025-04-01T00:00:00Z", kR2);
  json::object c = MakeStatement(w_.ada_mbox, kCommented, StatementRefObject(std::string(f["id"].as_string())),
                                 "2025-04-02T00:00:00Z");
  const std::string fid = PostAs(lrs_, w_.lms.cred, f), cid = PostAs(lrs_, w_.lms.cred, c);
  ASSERT_FALSE(fid.empty() || cid.empty());
  const std::vector<std::string> probes = {"verb=" + Enc(failed), "activity=" + Enc(secret),
                                           "registration=" + std::string(kR2)};
  // The operator finds the comment through what it comments on (xAPI).
  for (const auto& q : probes) {
    IdSet op = QueryIds(lrs_, AdminCred(), "/xapi/statements?" + q);
    EXPECT_EQ(op.count(fid) + op.count(cid), 2u) << "operator " << q;
  }
  std::string grant = MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id},
                                                           {"verbs", json::array{kCommented}}});
  // Analytics sees the two comments (a6, c), not f.
  EXPECT_EQ(QueryIds(lrs_, w_.analytics.cred, "/xapi/statements"), (IdSet{w_.id.at("a6"), cid}));
  EXPECT_EQ(GetAs(lrs_, w_.analytics.cred, "/xapi/statements?statementId=" + fid).status, 404);
  for (const auto& q : probes) {
    IdSet got = QueryIds(lrs_, w_.analytics.cred, "/xapi/statements?" + q);
    EXPECT_EQ(got, IdSet{}) << "Analytics learns f's " << q.substr(0, q.find('='))
                            << " through the comment (c=" << cid << ")";
  }
  RevokeGrant(lrs_, w_.ada, grant);
  // The same with the world's voiding statement: v1 (verb voided) covered,
  // its target a5 (experienced, other/x) not.
  for (const auto& body : {json::object{{"verbs", json::array{kVoided}}},
                           json::object{{"since", "2025-11-01T12:00:00Z"}}}) {
    json::object g = body;
    g["organisation"] = w_.analytics.id;
    grant = MakeGrant(lrs_, w_.ada, g);
    IdSet sees = QueryIds(lrs_, w_.analytics.cred, "/xapi/statements");
    EXPECT_EQ(sees.count(w_.id.at("v1")), 1u) << json::serialize(body);
    EXPECT_EQ(sees.count(w_.id.at("a5")), 0u);
    for (const auto& q : {"verb=" + Enc(kExperienced), "activity=" + Enc(kOtherX)}) {
      IdSet got = QueryIds(lrs_, w_.analytics.cred, "/xapi/statements?" + q);
      EXPECT_EQ(got.count(w_.id.at("v1")), 0u)
          << "Analytics (" << json::serialize(body) << ") learns a5's " << q.substr(0, q.find('='))
          << " through v1: " << w_.Names(got);
    }
    RevokeGrant(lrs_, w_.ada, grant);
  }
  // The owner, who sees f, may find the comment through it (xAPI).
  IdSet own = QueryIds(lrs_, w_.ada.cred, "/xapi/statements?verb=" + Enc(failed));
  EXPECT_EQ(own.count(fid), 1u);
  EXPECT_EQ(own.size(), own.count(fid) + own.count(cid)) << w_.Names(own);
}

// Attachment content is returned only with a statement that carries it and
// that the reader may see: knowing (or guessing) its sha2 is not enough.
TEST_F(ConsentLeakPaths, AttachmentContentIsNotReachableByItsHash) {
  const std::string content = kA3Attachment;
  const std::string sha2 = Sha256Hex(content);
  const std::string never = "content nobody ever stored";
  auto with_meta = [&](const json::object& actor, const std::string& text, bool file_url) {
    json::object s = MakeStatement(actor, kExperienced, ActivityObject(kCourseB2),
                                   "2026-02-01T00:00:00Z");
    json::object meta = AttachmentMeta(text);
    if (file_url) meta["fileUrl"] = "https://files.example.net/cert.txt";
    s["attachments"] = json::array{meta};
    return s;
  };
  // Snoop's own statement names the hash with a fileUrl.
  json::object snoops = with_meta(MboxAgent("snoop@example.net"), content, true);
  std::string sid = PostAs(lrs_, w_.snoop.cred, snoops);
  ASSERT_FALSE(sid.empty());
  HttpResponse one = GetAs(lrs_, w_.snoop.cred, "/xapi/statements?statementId=" + sid + "&attachments=true");
  ASSERT_EQ(one.status, 200) << one;
  EXPECT_EQ(one.body.find(content), std::string::npos) << "Snoop got a3's attachment by its hash";
  if (one.Header("Content-Type").rfind("multipart/mixed", 0) == 0) {
    EXPECT_EQ(ParseMultipart(one.body, BoundaryOf(one.Header("Content-Type"))).size(), 1u) << one;
  }
  Paged all = QueryAs(lrs_, w_.snoop.cred, "/xapi/statements?attachments=true");
  for (const auto& b : all.bodies) EXPECT_EQ(b.find(content), std::string::npos);
  // A learner's own statement likewise (Bob, about himself).
  std::string bid = PostAs(lrs_, w_.bob.cred, with_meta(w_.bob_mbox, content, true));
  HttpResponse bobs = GetAs(lrs_, w_.bob.cred, "/xapi/statements?statementId=" + bid + "&attachments=true");
  ASSERT_EQ(bobs.status, 200) << bobs;
  EXPECT_EQ(bobs.body.find(content), std::string::npos) << "Bob got a3's attachment by its hash";

  // Declaring the hash without a part or fileUrl is refused exactly as for
  // a hash never stored (the stored content does not stand in for a part).
  HttpResponse known = PostJsonAs(lrs_, w_.snoop.cred, "/xapi/statements",
                                  with_meta(MboxAgent("snoop@example.net"), content, false));
  HttpResponse unknown = PostJsonAs(lrs_, w_.snoop.cred, "/xapi/statements",
                                    with_meta(MboxAgent("snoop@example.net"), never, false));
  EXPECT_EQ(unknown.status, 400) << unknown;
  EXPECT_EQ(known.status, unknown.status) << known;
}

// A learner credential writes only statements whose actor is one of its own
// identities.
TEST_F(ConsentLeakPaths, LearnerWritesOnlyForItsOwnIdentities) {
  auto stmt = [](const json::object& actor) {
    return MakeStatement(actor, kExperienced, ActivityObject(kNotes1), "2026-03-01T00:00:00Z");
  };
  json::object team{{"objectType", "Group"},
                    {"mbox", "mailto:team@example.com"},
                    {"member", json::array{w_.ada_mbox}}};
  json::object anonymous{{"objectType", "Group"}, {"member", json::array{w_.ada_mbox}}};
  for (const auto& [label, actor] : std::vector<std::pair<std::string, json::object>>{
           {"Bob's identity", w_.bob_mbox},
           {"an unclaimed identity", w_.zed_mbox},
           {"an identified group", team},
           {"an anonymous group with Ada in it", anonymous}}) {
    json::object s = stmt(actor);
    HttpResponse post = PostJsonAs(lrs_, w_.ada.cred, "/xapi/statements", s);
    EXPECT_EQ(post.status, 403) << "Ada writing for " << label << "\n" << post;
    std::string id(s["id"].as_string());
    HttpResponse put = Call(lrs_, w_.ada.cred, bhttp::verb::put, "/xapi/statements?statementId=" + id,
                            json::serialize(s), "application/json");
    EXPECT_EQ(put.status, 403) << "PUT for " << label << "\n" << put;
    EXPECT_EQ(GetAs(lrs_, AdminCred(), "/xapi/statements?statementId=" + id).status, 404) << label;
  }
  // A batch with one foreign statement is refused whole.
  json::object own = stmt(w_.ada_account), foreign = stmt(w_.bob_mbox);
  HttpResponse batch =
      PostJsonAs(lrs_, w_.ada.cred, "/xapi/statements", json::array{own, foreign});
  EXPECT_EQ(batch.status, 403) << batch;
  EXPECT_EQ(GetAs(lrs_, AdminCred(),
                  "/xapi/statements?statementId=" + std::string(own["id"].as_string()))
                .status,
            404);
  // Both own identities are fine, and the statement carries Ada's authority.
  for (const auto& actor : {w_.ada_mbox, w_.ada_account}) {
    std::string id = PostAs(lrs_, w_.ada.cred, stmt(actor));
    ASSERT_FALSE(id.empty());
    json::object got = ObjectOf(GetAs(lrs_, w_.ada.cred, "/xapi/statements?statementId=" + id));
    EXPECT_EQ(got["authority"].at("account").at("homePage"), json::value("urn:lrs:learner"));
    EXPECT_EQ(got["authority"].at("account").at("name"), json::value(w_.ada.id));
  }
  // An organisation writes for anyone; its authority names it.
  std::string lms_written = w_.id.at("a1");
  json::object a1 = ObjectOf(GetAs(lrs_, AdminCred(), "/xapi/statements?statementId=" + lms_written));
  EXPECT_EQ(a1["authority"],
            (json::object{{"objectType", "Agent"},
                          {"name", "LMS"},
                          {"account", json::object{{"homePage", "urn:lrs:organisation"},
                                                   {"name", w_.lms.id}}}}));
}

}  // namespace
}  // namespace lrs_it::consent
