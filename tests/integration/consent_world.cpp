// The fixture world and WorldChecker of consent_world.h.
#include "tests/integration/consent_world.h"

namespace lrs_it::consent {

// ---------------------------------------------------------------------------
// The world

IdSet World::Ids(std::initializer_list<const char*> names) const {
  IdSet out;
  for (const char* n : names) {
    auto it = id.find(n);
    if (it == id.end()) {
      ADD_FAILURE() << "no statement named " << n;
      continue;
    }
    out.insert(it->second);
  }
  return out;
}

IdSet World::AdaAll() const { return Ids({"a1", "a2", "a3", "a4", "v1", "ref1", "snoopA", "a6"}); }
IdSet World::BobAll() const { return Ids({"b1", "b2", "b3"}); }
IdSet World::Everything() const {
  IdSet out;
  for (const auto& [name, sid] : id) {
    if (name != "a5") out.insert(sid);
  }
  return out;
}
IdSet World::LmsWrote() const {
  IdSet out = Everything();
  out.erase(id.at("snoopA"));
  out.erase(id.at("a6"));
  return out;
}

std::string World::Name(const std::string& statement_id) const {
  for (const auto& [name, sid] : id) {
    if (sid == statement_id) return name;
  }
  return statement_id;
}

std::string World::Names(const IdSet& ids) const {
  std::set<std::string> names;
  for (const auto& i : ids) names.insert(Name(i));
  std::string out = "{";
  for (const auto& n : names) out += (out.size() > 1 ? " " : "") + n;
  return out + "}";
}

World BuildWorld(const LrsProcess& lrs) {
  World w;
  w.lms = CreateOrg(lrs, "LMS", {"statements/write", "statements/read", "state", "profile"});
  w.analytics = CreateOrg(lrs, "Analytics", {"statements/read", "state", "profile"});
  w.snoop = CreateOrg(lrs, "Snoop", {"statements/write", "statements/read", "state", "profile"});
  w.ada_mbox = MboxAgent("ada@example.com");
  w.ada_account = AccountAgent(kLmsHome, "ada-7");
  w.bob_mbox = MboxAgent("bob@example.com");
  w.cy_mbox = MboxAgent("cy@example.com");
  w.zed_mbox = MboxAgent("zed@example.com");
  w.ada = CreateLearner(lrs, "Ada", {w.ada_mbox, w.ada_account});
  w.bob = CreateLearner(lrs, "Bob", {w.bob_mbox});
  w.cy = CreateLearner(lrs, "Cy", {w.cy_mbox});

  auto post = [&](const char* name, const Cred& who, const json::object& s) {
    w.id[name] = PostAs(lrs, who, s);
    EXPECT_EQ(w.id[name], std::string(s.at("id").as_string())) << name;
  };
  const Cred& lms = w.lms.cred;
  post("z1", lms, MakeStatement(w.zed_mbox, kCompleted, ActivityObject(kCourseA1), "2025-08-01T00:00:00Z"));
  post("c1", lms, MakeStatement(w.cy_mbox, kCompleted, ActivityObject(kCourseA1), "2025-07-01T00:00:00Z", kR1));
  post("b1", lms, MakeStatement(w.bob_mbox, kCompleted, ActivityObject(kCourseA1, kDescB1), "2025-05-01T00:00:00Z", kR1));
  post("b2", lms, MakeStatement(w.bob_mbox, kExperienced, ActivityObject(kCourseB2), "2025-06-01T00:00:00Z"));
  post("b3", lms, MakeStatement(w.bob_mbox, kMentored, w.ada_mbox, "2025-06-15T00:00:00Z"));
  post("a1", lms, MakeStatement(w.ada_mbox, kCompleted, ActivityObject(kCourseA1, kDescA1), "2020-03-01T10:00:00Z", kR1));
  post("a2", lms, MakeStatement(w.ada_account, kExperienced, ActivityObject(kCourseA2, kDescA2), "2025-01-01T00:00:00Z", kR2));
  {
    json::object a3 = MakeStatement(w.ada_mbox, kAttempted, ActivityObject(kCourseB2), "2025-02-01T00:00:00Z", kR1);
    w.id["a3"] = PostWithAttachmentAs(lrs, lms, a3, kA3Attachment);
  }
  // 2025-09-01T00:00:00Z exactly, written with an offset.
  post("a4", lms, MakeStatement(w.ada_account, kCompleted, ActivityObject(kCourseA3), "2025-09-01T02:00:00+02:00", kR2));
  post("a5", lms, MakeStatement(w.ada_mbox, kExperienced, ActivityObject(kOtherX), "2025-11-01T00:00:00Z"));
  post("v1", lms, MakeStatement(w.ada_mbox, kVoided, StatementRefObject(w.id["a5"]), "2025-11-02T00:00:00Z"));
  post("ref1", lms, MakeStatement(w.ada_mbox, kExperienced, StatementRefObject(w.id["b1"]), "2025-12-01T00:00:00Z"));
  post("snoopA", w.snoop.cred, MakeStatement(w.ada_mbox, kExperienced, ActivityObject(kCourseA1, kDescSnoop), "2025-10-01T00:00:00Z"));
  post("a6", w.ada.cred, MakeStatement(w.ada_account, kCommented, ActivityObject(kNotes1), "2026-01-10T00:00:00Z"));
  {
    json::object team{{"objectType", "Group"},
                      {"name", "Team"},
                      {"mbox", "mailto:team@example.com"},
                      {"member", json::array{w.ada_mbox}}};
    post("g1", lms, MakeStatement(team, kCompleted, ActivityObject(kCourseA1), "2025-03-01T00:00:00Z"));
    json::object anonymous{{"objectType", "Group"}, {"member", json::array{w.ada_mbox, w.bob_mbox}}};
    post("g2", lms, MakeStatement(anonymous, kCompleted, ActivityObject(kCourseB2), "2025-03-02T00:00:00Z"));
  }
  return w;
}

// ---------------------------------------------------------------------------
// WorldChecker

namespace {

bool Contains(const IdSet& s, const std::string& id) { return s.count(id) > 0; }


}  // namespace

WorldChecker::WorldChecker(const LrsProcess& lrs, const World& world) : lrs_(lrs), w_(world) {
  // Filters whose matches never go through a StatementRef into another
  // partition (those are consent_leak_hunt_test's StatementRef case).
  const std::vector<std::string> filters = {
      "agent=" + AgentParam(w_.ada_mbox),
      "agent=" + AgentParam(w_.ada_account),
      "agent=" + AgentParam(w_.ada_mbox) + "&related_agents=true",
      "verb=" + Enc(kExperienced),
      "verb=" + Enc(kVoided),
      "activity=" + Enc(kCourseB2),
      "registration=" + std::string(kR2),
      "since=2000-01-01T00:00:00Z&format=ids",
  };
  for (const auto& f : filters) filtered_[f] = OperatorIds("/xapi/statements?limit=4&" + f);
  // v1 voids a5 (experienced): the operator's verb=experienced finds v1
  // through a5 (xAPI's filter on StatementRef targets), a scoped query not.
  via_ref_["verb=" + Enc(kExperienced)] = {{w_.id.at("v1"), w_.id.at("a5")}};
}

::testing::AssertionResult FilterAnswer(const World& w, const IdSet& got, const IdSet& op,
                                        const std::map<std::string, std::string>& via_ref,
                                        const IdSet& visible, const IdSet& sees_targets) {
  IdSet required, allowed;
  for (const auto& id : op) {
    if (!visible.count(id)) continue;
    auto ref = via_ref.find(id);
    if (ref == via_ref.end()) {
      required.insert(id);
    } else if (sees_targets.count(ref->second)) {
      allowed.insert(id);
    }
  }
  IdSet extra;
  for (const auto& id : got) {
    if (!required.count(id) && !allowed.count(id)) extra.insert(id);
  }
  IdSet missing;
  for (const auto& id : required) {
    if (!got.count(id)) missing.insert(id);
  }
  if (extra.empty() && missing.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << w.Names(got) << "; expected " << w.Names(required)
         << (allowed.empty() ? "" : " plus possibly " + w.Names(allowed)) << "; unexpected "
         << w.Names(extra) << ", missing " << w.Names(missing);
}

IdSet WorldChecker::OperatorIds(const std::string& target) const {
  return QueryIds(lrs_, AdminCred(), target);
}

IdSet WorldChecker::Referenced(const IdSet& visible) const {
  IdSet out;
  if (Contains(visible, w_.id.at("v1"))) out.insert(w_.id.at("a5"));
  if (Contains(visible, w_.id.at("ref1"))) out.insert(w_.id.at("b1"));
  return out;
}

void WorldChecker::CheckQueryAndIds(const Cred& who, const Expect& e) const {
  SCOPED_TRACE(e.label);
  Paged all = QueryAs(lrs_, who, "/xapi/statements?limit=3");
  EXPECT_EQ(w_.Names(all.ids), w_.Names(e.visible)) << "query, as " << e.label;
  CheckIds(who, e);
}

void WorldChecker::CheckView(const Cred& who, const Expect& e) const {
  SCOPED_TRACE(e.label);
  // Queries: every page, both orders; no invisible id anywhere in a page
  // unless a visible statement refers to it.
  Paged all = QueryAs(lrs_, who, "/xapi/statements?limit=3");
  EXPECT_EQ(w_.Names(all.ids), w_.Names(e.visible)) << "query, as " << e.label;
  Paged asc = QueryAs(lrs_, who, "/xapi/statements?ascending=true&limit=4");
  EXPECT_EQ(w_.Names(asc.ids), w_.Names(e.visible)) << "ascending query, as " << e.label;
  IdSet may_appear = e.visible;
  for (const auto& r : Referenced(e.visible)) may_appear.insert(r);
  for (const auto& [name, sid] : w_.id) {
    if (Contains(may_appear, sid)) continue;
    for (const auto& body : all.bodies) {
      EXPECT_EQ(body.find(sid), std::string::npos) << name << " leaks into a page for " << e.label;
    }
  }
  // Filters: exactly the visible part of what the operator gets.
  for (const auto& [filter, op_ids] : filtered_) {
    IdSet got = QueryIds(lrs_, who, "/xapi/statements?limit=4&" + filter);
    if (e.is_operator) {
      EXPECT_EQ(w_.Names(got), w_.Names(op_ids)) << "filter " << filter;
      continue;
    }
    IdSet targets = e.visible;
    if (e.sees_voided_a5) targets.insert(w_.id.at("a5"));
    auto ref = via_ref_.find(filter);
    EXPECT_TRUE(FilterAnswer(w_, got, op_ids,
                             ref == via_ref_.end() ? std::map<std::string, std::string>{}
                                                   : ref->second,
                             e.visible, targets))
        << "filter " << filter << " as " << e.label;
  }
  // HEAD of a query whose answer is empty is the HEAD of one for a stranger.
  IdSet ada_part = Intersect(filtered_.at("agent=" + AgentParam(w_.ada_mbox)), e.visible);
  if (ada_part.empty()) {
    const std::string zzz = AgentParam(MboxAgent("zzz@example.com"));
    EXPECT_TRUE(Indistinguishable(
        HeadAs(lrs_, who, "/xapi/statements?agent=" + AgentParam(w_.ada_mbox)),
        HeadAs(lrs_, who, "/xapi/statements?agent=" + zzz)))
        << "HEAD query agent=ada as " << e.label;
    EXPECT_TRUE(Indistinguishable(
        GetAs(lrs_, who, "/xapi/statements?agent=" + AgentParam(w_.ada_mbox)),
        GetAs(lrs_, who, "/xapi/statements?agent=" + zzz)))
        << "GET query agent=ada as " << e.label;
  }
  CheckIds(who, e);
  CheckAttachments(who, e);
  CheckAgentsAndActivities(who, e);
}

void WorldChecker::CheckIds(const Cred& who, const Expect& e) const {
  const std::string unknown = NewUuid();
  const HttpResponse absent = GetAs(lrs_, who, "/xapi/statements?statementId=" + unknown);
  const HttpResponse absent_head = HeadAs(lrs_, who, "/xapi/statements?statementId=" + unknown);
  const HttpResponse absent_voided =
      GetAs(lrs_, who, "/xapi/statements?voidedStatementId=" + unknown);
  const HttpResponse absent_voided_head =
      HeadAs(lrs_, who, "/xapi/statements?voidedStatementId=" + unknown);
  EXPECT_EQ(absent.status, 404) << absent;
  for (const auto& [name, sid] : w_.id) {
    SCOPED_TRACE("statement " + name);
    bool visible = Contains(e.visible, sid);
    HttpResponse got = GetAs(lrs_, who, "/xapi/statements?statementId=" + sid);
    HttpResponse head = HeadAs(lrs_, who, "/xapi/statements?statementId=" + sid);
    if (visible) {
      EXPECT_EQ(got.status, 200) << e.label << " should see " << name << "\n" << got;
      if (got.status == 200) {
        EXPECT_EQ(ObjectOf(got)["id"], json::value(sid));
      }
      EXPECT_EQ(head.status, 200) << e.label << " HEAD " << name << "\n" << head;
    } else {
      EXPECT_TRUE(Indistinguishable(got, SwapText(absent, unknown, sid)))
          << e.label << " must not see " << name;
      EXPECT_TRUE(Indistinguishable(head, absent_head)) << e.label << " HEAD " << name;
    }
    // Only a5 is voided: voidedStatementId finds it for those who see it,
    // and nothing else for anyone.
    bool voided_visible = name == "a5" && e.sees_voided_a5;
    HttpResponse v = GetAs(lrs_, who, "/xapi/statements?voidedStatementId=" + sid);
    HttpResponse vh = HeadAs(lrs_, who, "/xapi/statements?voidedStatementId=" + sid);
    if (voided_visible) {
      EXPECT_EQ(v.status, 200) << e.label << " voidedStatementId " << name << "\n" << v;
      if (v.status == 200) {
        EXPECT_EQ(ObjectOf(v)["id"], json::value(sid));
      }
      EXPECT_EQ(vh.status, 200) << vh;
    } else {
      EXPECT_TRUE(Indistinguishable(v, SwapText(absent_voided, unknown, sid)))
          << e.label << " voidedStatementId " << name;
      EXPECT_TRUE(Indistinguishable(vh, absent_voided_head))
          << e.label << " HEAD voidedStatementId " << name;
    }
  }
}

void WorldChecker::CheckAttachments(const Cred& who, const Expect& e) const {
  const std::string a3 = w_.id.at("a3");
  bool visible = Contains(e.visible, a3);
  HttpResponse one = GetAs(lrs_, who, "/xapi/statements?statementId=" + a3 + "&attachments=true");
  if (visible) {
    EXPECT_EQ(one.status, 200) << one;
    std::vector<Part> parts = ParseMultipart(one.body, BoundaryOf(one.Header("Content-Type")));
    ASSERT_EQ(parts.size(), 2u) << one;
    EXPECT_EQ(parts[1].body, kA3Attachment);
  } else {
    const std::string unknown = NewUuid();
    HttpResponse absent =
        GetAs(lrs_, who, "/xapi/statements?statementId=" + unknown + "&attachments=true");
    EXPECT_TRUE(Indistinguishable(one, SwapText(absent, unknown, a3)))
        << e.label << " attachments of a3";
    EXPECT_EQ(one.body.find(kA3Attachment), std::string::npos);
  }
  Paged q = QueryAs(lrs_, who, "/xapi/statements?attachments=true&limit=5");
  EXPECT_EQ(w_.Names(q.ids), w_.Names(e.visible)) << "attachments=true query as " << e.label;
  bool content_seen = false;
  for (const auto& b : q.bodies) content_seen |= b.find(kA3Attachment) != std::string::npos;
  EXPECT_EQ(content_seen, visible) << "a3's attachment content in a query as " << e.label;
}

void WorldChecker::CheckAgentsAndActivities(const Cred& who, const Expect& e) const {
  // Agents: the whole Person, or exactly what a stranger's identity gets.
  struct Probe {
    json::object agent, stranger;
    std::string from, to;
  };
  const std::vector<Probe> probes = {
      {w_.ada_mbox, MboxAgent("zzz@example.com"), "zzz@example.com", "ada@example.com"},
      {w_.ada_account, AccountAgent(kLmsHome, "zzz-7"), "zzz-7", "ada-7"}};
  for (const auto& p : probes) {
    HttpResponse r = GetAs(lrs_, who, "/xapi/agents?agent=" + AgentParam(p.agent));
    ASSERT_EQ(r.status, 200) << r;
    if (!e.sees_ada_person) continue;
    if (*e.sees_ada_person) {
      json::object person = ObjectOf(r);
      EXPECT_EQ(person["objectType"], json::value("Person")) << r;
      EXPECT_EQ(person["mbox"], (json::array{"mailto:ada@example.com"})) << r;
      EXPECT_EQ(person["account"],
                (json::array{json::object{{"homePage", kLmsHome}, {"name", "ada-7"}}}))
          << r;
    } else {
      HttpResponse stranger = GetAs(lrs_, who, "/xapi/agents?agent=" + AgentParam(p.stranger));
      EXPECT_TRUE(Indistinguishable(r, SwapText(stranger, p.from, p.to)))
          << e.label << " must get only the asked identity of Ada";
    }
  }
  // Activities: a2's definition only to those who see a2.
  HttpResponse a2 = GetAs(lrs_, who, "/xapi/activities?activityId=" + Enc(kCourseA2));
  ASSERT_EQ(a2.status, 200) << a2;
  if (e.is_operator || Contains(e.visible, w_.id.at("a2"))) {
    EXPECT_NE(a2.body.find(kDescA2), std::string::npos) << e.label << "\n" << a2;
  } else {
    const std::string ghost = "https://example.org/course/z/2";
    HttpResponse unknown = GetAs(lrs_, who, "/xapi/activities?activityId=" + Enc(ghost));
    EXPECT_TRUE(Indistinguishable(a2, SwapText(unknown, ghost, kCourseA2)))
        << e.label << " must not learn course/a/2 from a2";
  }
  // course/a/1 appears in statements of several partitions; no description
  // from a statement this principal cannot see may show.
  HttpResponse a1 = GetAs(lrs_, who, "/xapi/activities?activityId=" + Enc(kCourseA1));
  ASSERT_EQ(a1.status, 200) << a1;
  if (!e.is_operator) {
    for (const auto& [desc, name] : std::vector<std::pair<const char*, const char*>>{
             {kDescA1, "a1"}, {kDescB1, "b1"}, {kDescSnoop, "snoopA"}}) {
      if (!Contains(e.visible, w_.id.at(name))) {
        EXPECT_EQ(a1.body.find(desc), std::string::npos)
            << e.label << " learns " << name << "'s definition\n" << a1;
      }
    }
  }
}

}  // namespace lrs_it::consent
