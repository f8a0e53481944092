// Erasure (docs/CONSENT.md, "Erasure"): afterwards nothing of the learner
// can be read or found by any credential, the operator included; a
// tombstone with the counts stays; statements in other partitions keep
// their StatementRefs (an id only); group statements are not the learner's.
#include "gtest/gtest.h"
#include "tests/integration/consent_world.h"

namespace lrs_it::consent {
namespace {


class ConsentErasure : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    if (HasFatalFailure() || HasFailure()) return;
    // Bob's StatementRef to Ada's a1 (stays, as an id only, after erasure).
    w_.id["refB"] = PostAs(lrs_, w_.lms.cred,
                           MakeStatement(w_.bob_mbox, kExperienced, StatementRefObject(w_.id["a1"]),
                                         "2026-02-01T00:00:00Z"));
    // Ada's documents: two by the LMS, one her own; and one of Bob's.
    bookmark_ = "/xapi/activities/state?activityId=" + Enc(kCourseA1) +
                "&agent=" + AgentParam(w_.ada_mbox) + "&stateId=bookmark";
    prefs_ = "/xapi/agents/profile?agent=" + AgentParam(w_.ada_account) + "&profileId=prefs";
    mine_ = "/xapi/activities/state?activityId=" + Enc(kNotes1) +
            "&agent=" + AgentParam(w_.ada_account) + "&stateId=mine";
    bobs_ = "/xapi/activities/state?activityId=" + Enc(kCourseA1) +
            "&agent=" + AgentParam(w_.bob_mbox) + "&stateId=bookmark";
    auto put = [&](const Cred& who, const std::string& target) {
      HttpResponse r = Call(lrs_, who, bhttp::verb::put, target, R"({"k":1})", "application/json",
                            {{"If-None-Match", "*"}});
      ASSERT_EQ(r.status, 204) << target << "\n" << r;
    };
    put(w_.lms.cred, bookmark_);
    put(w_.lms.cred, prefs_);
    put(w_.ada.cred, mine_);
    put(w_.lms.cred, bobs_);
  }

  // The statements of Ada's partitions, voided a5 included.
  IdSet AdaStored() const {
    IdSet s = w_.AdaAll();
    s.insert(w_.id.at("a5"));
    return s;
  }

  // No principal finds any of Ada's statements, documents or Person.
  void ExpectAdaGone() {
    const std::vector<std::pair<std::string, Cred>> principals = {
        {"operator", AdminCred()}, {"LMS", w_.lms.cred}, {"Analytics", w_.analytics.cred},
        {"Snoop", w_.snoop.cred},  {"Bob", w_.bob.cred}};
    for (const auto& [label, cred] : principals) {
      SCOPED_TRACE(label);
      const std::string unknown = NewUuid();
      HttpResponse absent = GetAs(lrs_, cred, "/xapi/statements?statementId=" + unknown);
      HttpResponse absent_voided = GetAs(lrs_, cred, "/xapi/statements?voidedStatementId=" + unknown);
      for (const auto& sid : AdaStored()) {
        EXPECT_TRUE(Indistinguishable(GetAs(lrs_, cred, "/xapi/statements?statementId=" + sid),
                                      SwapText(absent, unknown, sid)))
            << w_.Name(sid);
        EXPECT_TRUE(Indistinguishable(GetAs(lrs_, cred, "/xapi/statements?voidedStatementId=" + sid),
                                      SwapText(absent_voided, unknown, sid)))
            << w_.Name(sid);
      }
      Paged all = QueryAs(lrs_, cred, "/xapi/statements?attachments=true&limit=4");
      for (const auto& sid : AdaStored()) EXPECT_EQ(all.ids.count(sid), 0u) << w_.Name(sid);
      for (const auto& body : all.bodies) {
        EXPECT_EQ(body.find(kA3Attachment), std::string::npos) << "a3's attachment survived";
        EXPECT_EQ(body.find(kDescA2), std::string::npos);
      }
      for (const auto& doc : {bookmark_, prefs_, mine_}) {
        EXPECT_EQ(GetAs(lrs_, cred, doc).status, 404) << doc;
      }
      HttpResponse list = GetAs(lrs_, cred,
                                "/xapi/activities/state?activityId=" + Enc(kCourseA1) +
                                    "&agent=" + AgentParam(w_.ada_mbox));
      EXPECT_EQ(list.body, "[]") << list;
      HttpResponse person = GetAs(lrs_, cred, "/xapi/agents?agent=" + AgentParam(w_.ada_mbox));
      HttpResponse stranger =
          GetAs(lrs_, cred, "/xapi/agents?agent=" + AgentParam(MboxAgent("zzz@example.com")));
      EXPECT_TRUE(Indistinguishable(person, SwapText(stranger, "zzz@example.com", "ada@example.com")));
    }
    // Statements of other partitions no longer match through an erased
    // target (refB points at a1: completed, course/a/1, R1, ada).
    const IdSet refB{w_.id.at("refB")};
    EXPECT_EQ(w_.Names(QueryIds(lrs_, AdminCred(), "/xapi/statements?activity=" + Enc(kCourseA1))),
              w_.Names(w_.Ids({"b1", "c1", "z1", "g1"})));
    EXPECT_EQ(w_.Names(QueryIds(lrs_, AdminCred(), "/xapi/statements?registration=" + std::string(kR1))),
              w_.Names(w_.Ids({"b1", "c1"})));
    IdSet by_ada = QueryIds(lrs_, AdminCred(), "/xapi/statements?agent=" + AgentParam(w_.ada_mbox));
    EXPECT_EQ(by_ada.count(w_.id.at("refB")), 0u) << w_.Names(by_ada);
    EXPECT_EQ(by_ada.count(w_.id.at("b3")), 1u) << "b3 is Bob's (ada is its object)";
  }

  std::string bookmark_, prefs_, mine_, bobs_;
};

TEST_F(ConsentErasure, LearnerErasesHerWholeRecord) {
  MakeGrant(lrs_, w_.ada, json::object{{"organisation", w_.analytics.id},
                                       {"actions", json::array{"statements", "documents"}}});
  HttpResponse page = GetAs(lrs_, w_.analytics.cred, "/xapi/statements?limit=2");
  ASSERT_EQ(page.status, 200) << page;
  std::string link(ObjectOf(page)["more"].as_string());
  ASSERT_FALSE(link.empty());

  HttpResponse erased = DeleteAs(lrs_, w_.ada.cred, "/me");
  ASSERT_EQ(erased.status, 204) << erased;
  EXPECT_EQ(GetAs(lrs_, w_.ada.cred, "/me").status, 401);
  EXPECT_EQ(GetAs(lrs_, w_.ada.cred, "/xapi/statements").status, 401);
  EXPECT_EQ(GetAs(lrs_, w_.ada.cred, "/me/grants").status, 401);

  ExpectAdaGone();
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.analytics.cred, link)), "{}") << "an old more link";
  // Exactly what remains, per principal.
  const IdSet ada = AdaStored();
  const IdSet refB = w_.Ids({"refB"});
  IdSet everything = Minus(w_.Everything(), ada);
  everything.insert(refB.begin(), refB.end());
  EXPECT_EQ(w_.Names(QueryIds(lrs_, AdminCred(), "/xapi/statements")), w_.Names(everything));
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.lms.cred, "/xapi/statements")), w_.Names(everything));
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.analytics.cred, "/xapi/statements")), "{}");
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.snoop.cred, "/xapi/statements")), "{}");
  IdSet bobs = w_.BobAll();
  bobs.insert(refB.begin(), refB.end());
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.bob.cred, "/xapi/statements")), w_.Names(bobs));
  // Known limit: refB keeps its StatementRef, an id only.
  json::object ref = ObjectOf(GetAs(lrs_, w_.bob.cred, "/xapi/statements?statementId=" + w_.id["refB"]));
  EXPECT_EQ(ref["object"], json::value(StatementRefObject(w_.id["a1"])));
  // Bob's document is untouched.
  EXPECT_EQ(GetAs(lrs_, w_.lms.cred, bobs_).status, 200);
  // Activities: the definition in a2 reaches no organisation any more.
  HttpResponse a2 = GetAs(lrs_, w_.lms.cred, "/xapi/activities?activityId=" + Enc(kCourseA2));
  EXPECT_EQ(a2.body.find(kDescA2), std::string::npos) << a2;

  // The tombstone: the counts and nothing personal.
  HttpResponse tomb = GetAs(lrs_, AdminCred(), "/admin/learners/" + w_.ada.id);
  ASSERT_EQ(tomb.status, 200) << tomb;
  json::object t = ObjectOf(tomb);
  EXPECT_EQ(t["id"], json::value(w_.ada.id));
  EXPECT_TRUE(t["erased"].is_string() && ParseIsoMicros(t["erased"].as_string())) << tomb;
  EXPECT_EQ(t["statements"], json::value(static_cast<int64_t>(ada.size()))) << "a1-a6, v1, ref1, snoopA\n" << tomb;
  EXPECT_EQ(t["documents"], json::value(3)) << tomb;
  for (const char* personal : {"name", "identities", "key", "secret"}) {
    EXPECT_FALSE(t.contains(personal)) << personal << "\n" << tomb;
  }
  EXPECT_EQ(tomb.body.find("ada@example.com"), std::string::npos);
  EXPECT_EQ(tomb.body.find("Ada"), std::string::npos);

  // The identities are free again: a new learner starts empty and gets
  // what is written from now on.
  Learner again = CreateLearner(lrs_, "Ada again", {w_.ada_mbox, w_.ada_account});
  ASSERT_FALSE(again.id.empty());
  EXPECT_EQ(QueryIds(lrs_, again.cred, "/xapi/statements"), IdSet{});
  EXPECT_EQ(GetAs(lrs_, again.cred, bookmark_).status, 404);
  std::string fresh = PostAs(lrs_, w_.lms.cred,
                             MakeStatement(w_.ada_mbox, kCompleted, ActivityObject(kCourseA1),
                                           "2026-03-01T00:00:00Z"));
  EXPECT_EQ(QueryIds(lrs_, again.cred, "/xapi/statements"), IdSet{fresh});
  EXPECT_EQ(QueryIds(lrs_, w_.analytics.cred, "/xapi/statements"), IdSet{}) << "grants are gone";
}

TEST_F(ConsentErasure, OperatorErasureSurvivesARestart) {
  MakeGrant(lrs_, w_.bob, json::object{{"organisation", w_.analytics.id}});
  EXPECT_EQ(w_.Names(QueryIds(lrs_, w_.analytics.cred, "/xapi/statements")),
            w_.Names(w_.Ids({"b1", "b2", "b3", "refB"})));
  EXPECT_EQ(DeleteAs(lrs_, AdminCred(), "/admin/learners/" + NewUuid()).status, 404);
  HttpResponse erased = DeleteAs(lrs_, AdminCred(), "/admin/learners/" + w_.bob.id);
  ASSERT_EQ(erased.status, 204) << erased;

  auto check = [&](const std::string& when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(GetAs(lrs_, w_.bob.cred, "/me").status, 401);
    HttpResponse tomb = GetAs(lrs_, AdminCred(), "/admin/learners/" + w_.bob.id);
    ASSERT_EQ(tomb.status, 200) << tomb;
    json::object t = ObjectOf(tomb);
    EXPECT_EQ(t["statements"], json::value(4)) << "b1 b2 b3 refB\n" << tomb;
    EXPECT_EQ(t["documents"], json::value(1)) << tomb;
    EXPECT_FALSE(t.contains("name")) << tomb;
    for (const char* n : {"b1", "b2", "b3", "refB"}) {
      EXPECT_EQ(GetAs(lrs_, AdminCred(), "/xapi/statements?statementId=" + w_.id[n]).status, 404) << n;
    }
    EXPECT_EQ(GetAs(lrs_, w_.lms.cred, bobs_).status, 404);
    EXPECT_EQ(QueryIds(lrs_, w_.analytics.cred, "/xapi/statements"), IdSet{});
    // Ada's record is untouched; ref1 keeps its StatementRef to b1.
    WorldChecker(lrs_, w_).CheckQueryAndIds(w_.ada.cred, {"Ada", w_.AdaAll(), true, true, false});
    json::object ref1 = ObjectOf(GetAs(lrs_, w_.ada.cred, "/xapi/statements?statementId=" + w_.id["ref1"]));
    EXPECT_EQ(ref1["object"], json::value(StatementRefObject(w_.id["b1"])));
    // The group statement with Bob in it is not Bob's.
    EXPECT_EQ(GetAs(lrs_, AdminCred(), "/xapi/statements?statementId=" + w_.id["g2"]).status, 200);
  };
  check("after erasure");
  ASSERT_TRUE(lrs_.Terminate().has_value());
  ASSERT_TRUE(lrs_.Start());
  check("after a restart");
  // Erasing again changes nothing.
  HttpResponse again = DeleteAs(lrs_, AdminCred(), "/admin/learners/" + w_.bob.id);
  EXPECT_TRUE(again.status == 404 || again.status == 204) << again;
  HttpResponse tomb = GetAs(lrs_, AdminCred(), "/admin/learners/" + w_.bob.id);
  EXPECT_EQ(ObjectOf(tomb)["statements"], json::value(4)) << tomb;
}

}  // namespace
}  // namespace lrs_it::consent
