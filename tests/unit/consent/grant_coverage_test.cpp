// Tests for lrs/consent/grant.h, coverage: statements and documents by
// every restriction alone and together, the since/until boundaries to the
// millisecond, and odd input that must never throw.
#include "tests/unit/consent/grant_test_util.h"

namespace lrs::consent {
namespace {

using namespace grant_test;

// --- Coverage of statements -----------------------------------------------

TEST(GrantStatementTest, UnrestrictedGrantCoversEveryStatement) {
  Grant g = MustParse(Body());
  EXPECT_TRUE(g.CoversStatement(Statement()));
  EXPECT_TRUE(g.CoversStatement(StatementWithObject(R"({"objectType":"Agent",
                                                        "mbox":"mailto:b@example.org"})")));
  EXPECT_TRUE(g.CoversStatement(json::object{}));  // nothing to restrict on
}

TEST(GrantStatementTest, FullGrantCoversTheMatchingStatement) {
  EXPECT_TRUE(MustParse(kFullBody).CoversStatement(Statement()));
}

TEST(GrantStatementTest, WithoutTheStatementsActionNothingIsCovered) {
  Grant g = GrantWith(R"("actions":["documents"])");
  EXPECT_FALSE(g.CoversStatement(Statement()));
  EXPECT_FALSE(g.CoversStatement(json::object{}));
}

TEST(GrantStatementTest, VerbMustBeListed) {
  Grant g = GrantWith(R"("verbs":["http://adlnet.gov/expapi/verbs/passed",
                                   "http://adlnet.gov/expapi/verbs/completed"])");
  EXPECT_TRUE(g.CoversStatement(Statement()));
  json::object other = Statement();
  other["verb"].as_object()["id"] = "http://adlnet.gov/expapi/verbs/failed";
  EXPECT_FALSE(g.CoversStatement(other));
  // Exact comparison: IRIs are not case-folded or normalised.
  json::object upper = Statement();
  upper["verb"].as_object()["id"] = "http://adlnet.gov/expapi/verbs/Completed";
  EXPECT_FALSE(g.CoversStatement(upper));
}

TEST(GrantStatementTest, VerbOfTheWrongShapeIsNotCovered) {
  Grant g = GrantWith(std::string(R"("verbs":[")") + kVerb + "\"]");
  json::object s = Statement();
  s.erase("verb");
  EXPECT_FALSE(g.CoversStatement(s));
  s["verb"] = kVerb;  // a string, not an object
  EXPECT_FALSE(g.CoversStatement(s));
  s["verb"] = json::parse(R"({"id": 7})");
  EXPECT_FALSE(g.CoversStatement(s));
  s["verb"] = json::parse(R"({"display": {"en": "completed"}})");
  EXPECT_FALSE(g.CoversStatement(s));
  s["verb"] = json::parse(std::string(R"({"id": [")") + kVerb + "\"]}");
  EXPECT_FALSE(g.CoversStatement(s));
}

TEST(GrantStatementTest, ActivityMustBeListed) {
  Grant g = GrantWith(R"("activities":["https://example.org/course/1"])");
  EXPECT_TRUE(g.CoversStatement(Statement()));
  EXPECT_FALSE(g.CoversStatement(
      StatementWithObject(R"({"objectType":"Activity","id":"https://example.org/course/2"})")));
  EXPECT_FALSE(g.CoversStatement(StatementWithObject(
      R"({"objectType":"Activity","id":"https://example.org/course/1/module"})")));
}

TEST(GrantStatementTest, ObjectWithoutObjectTypeIsAnActivity) {
  Grant g = GrantWith(R"("activities":["https://example.org/course/1"])");
  EXPECT_TRUE(g.CoversStatement(StatementWithObject(R"({"id":"https://example.org/course/1"})")));
}

TEST(GrantStatementTest, NonActivityObjectsAreNotCoveredByActivityRestrictions) {
  for (const char* restriction : {R"("activities":["https://example.org/course/1"])",
                                  R"("activityPrefixes":["https://example.org/"])"}) {
    SCOPED_TRACE(restriction);
    Grant g = GrantWith(restriction);
    // Each has an id that would match, were it an activity.
    for (const char* object : {
             R"({"objectType":"Agent","mbox":"mailto:b@example.org",
                 "id":"https://example.org/course/1"})",
             R"({"objectType":"Group","member":[],"id":"https://example.org/course/1"})",
             R"({"objectType":"StatementRef","id":"https://example.org/course/1"})",
             R"({"objectType":"SubStatement","id":"https://example.org/course/1",
                 "actor":{"mbox":"mailto:b@example.org"},"verb":{"id":"http://v.example/x"},
                 "object":{"id":"https://example.org/course/1"}})",
             R"({"objectType":"activity","id":"https://example.org/course/1"})",
             R"({"objectType":7,"id":"https://example.org/course/1"})",
             R"({"objectType":null,"id":"https://example.org/course/1"})",
         }) {
      SCOPED_TRACE(object);
      EXPECT_FALSE(g.CoversStatement(StatementWithObject(object)));
    }
  }
}

TEST(GrantStatementTest, ActivityOfTheWrongShapeIsNotCovered) {
  Grant g = GrantWith(R"("activityPrefixes":["https://example.org/"])");
  json::object s = Statement();
  s.erase("object");
  EXPECT_FALSE(g.CoversStatement(s));
  for (const char* object : {R"("https://example.org/course/1")", R"(["https://example.org/"])",
                             R"({"objectType":"Activity"})", R"({"id":42})", "null",
                             R"({"id":{"id":"https://example.org/course/1"}})"}) {
    SCOPED_TRACE(object);
    EXPECT_FALSE(g.CoversStatement(StatementWithObject(object)));
  }
}

TEST(GrantStatementTest, PrefixMatchesFromTheStart) {
  Grant g = GrantWith(R"("activityPrefixes":["https://example.org/course/"])");
  auto covers = [&](const std::string& id) {
    return g.CoversStatement(StatementWithObject(R"({"id":")" + id + "\"}"));
  };
  EXPECT_TRUE(covers("https://example.org/course/1"));
  EXPECT_TRUE(covers("https://example.org/course/1/module/2"));
  EXPECT_TRUE(covers("https://example.org/course/"));  // the prefix itself
  EXPECT_FALSE(covers("https://example.org/course"));  // shorter than the prefix
  EXPECT_FALSE(covers("https://example.org/courses/1"));
  EXPECT_FALSE(covers("http://example.org/course/1"));  // other scheme
  EXPECT_FALSE(covers("https://evil.example/?https://example.org/course/1"));
  EXPECT_FALSE(covers("https://EXAMPLE.org/course/1"));  // byte comparison
}

TEST(GrantStatementTest, AnyOfSeveralPrefixes) {
  Grant g = GrantWith(R"("activityPrefixes":["https://a.example/","https://b.example/x/"])");
  EXPECT_TRUE(g.CoversStatement(StatementWithObject(R"({"id":"https://a.example/1"})")));
  EXPECT_TRUE(g.CoversStatement(StatementWithObject(R"({"id":"https://b.example/x/1"})")));
  EXPECT_FALSE(g.CoversStatement(StatementWithObject(R"({"id":"https://b.example/y/1"})")));
}

TEST(GrantStatementTest, ActivitiesAndPrefixesEitherMatches) {
  Grant g = GrantWith(R"("activities":["https://other.example/quiz"],)"
                      R"("activityPrefixes":["https://example.org/course/"])");
  EXPECT_TRUE(g.CoversStatement(StatementWithObject(R"({"id":"https://other.example/quiz"})")));
  EXPECT_TRUE(g.CoversStatement(StatementWithObject(R"({"id":"https://example.org/course/9"})")));
  EXPECT_FALSE(g.CoversStatement(StatementWithObject(R"({"id":"https://other.example/quiz2"})")));
}

TEST(GrantStatementTest, RegistrationMustBeListed) {
  Grant g = GrantWith(std::string(R"("registrations":[")") + kOtherReg + "\",\"" + kReg + "\"]");
  EXPECT_TRUE(g.CoversStatement(Statement()));
  json::object other = Statement();
  other["context"].as_object()["registration"] = "00000000-0000-4000-8000-000000000000";
  EXPECT_FALSE(g.CoversStatement(other));
}

TEST(GrantStatementTest, RegistrationComparesWithoutCase) {
  Grant lower = GrantWith(std::string(R"("registrations":[")") + kReg + "\"]");
  json::object upper = Statement();
  upper["context"].as_object()["registration"] = "EC531277-B57B-4C15-8D91-D292C5B2B8F7";
  EXPECT_TRUE(lower.CoversStatement(upper));
  Grant upper_grant = GrantWith(R"("registrations":["EC531277-b57b-4C15-8D91-D292C5B2B8F7"])");
  EXPECT_TRUE(upper_grant.CoversStatement(Statement()));
}

TEST(GrantStatementTest, MissingOrOddRegistrationIsNotCovered) {
  Grant g = GrantWith(std::string(R"("registrations":[")") + kReg + "\"]");
  json::object s = Statement();
  s.erase("context");
  EXPECT_FALSE(g.CoversStatement(s));
  for (const char* context :
       {"{}", R"({"registration":null})", R"({"registration":42})",
        R"({"registration":"ec531277b57b4c158d91d292c5b2b8f7"})",
        R"({"registration":["ec531277-b57b-4c15-8d91-d292c5b2b8f7"]})",
        R"({"registration":" ec531277-b57b-4c15-8d91-d292c5b2b8f7"})", R"("context")", "[]"}) {
    SCOPED_TRACE(context);
    s["context"] = json::parse(context);
    EXPECT_FALSE(g.CoversStatement(s));
  }
}

TEST(GrantStatementTest, SinceIsExclusiveToTheMillisecond) {
  Grant g = GrantWith(R"("since":"2026-01-01T00:00:00.000Z")");
  EXPECT_FALSE(g.CoversStatement(StatementAt("2025-12-31T23:59:59.999Z")));
  EXPECT_FALSE(g.CoversStatement(StatementAt("2026-01-01T00:00:00.000Z")));
  EXPECT_FALSE(g.CoversStatement(StatementAt("2026-01-01T00:00:00Z")));
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-01T00:00:00.001Z")));
  EXPECT_TRUE(g.CoversStatement(StatementAt("2030-01-01T00:00:00Z")));  // no upper bound
}

TEST(GrantStatementTest, UntilIsInclusiveToTheMillisecond) {
  Grant g = GrantWith(R"("until":"2026-12-31T23:59:59.999Z")");
  EXPECT_TRUE(g.CoversStatement(StatementAt("2000-01-01T00:00:00Z")));  // no lower bound
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-12-31T23:59:59.998Z")));
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-12-31T23:59:59.999Z")));
  EXPECT_FALSE(g.CoversStatement(StatementAt("2027-01-01T00:00:00.000Z")));
}

TEST(GrantStatementTest, WindowBoundsHoldBelowTheMillisecond) {
  Grant g = GrantWith(R"("since":"2026-01-01T00:00:00.000Z","until":"2026-01-02T00:00:00.000Z")");
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-01T00:00:00.000001Z")));
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-02T00:00:00.000000Z")));
  EXPECT_FALSE(g.CoversStatement(StatementAt("2026-01-02T00:00:00.000001Z")));
}

TEST(GrantStatementTest, WindowComparesInstantsAcrossOffsets) {
  Grant g = GrantWith(R"("since":"2026-01-01T00:00:00Z","until":"2026-01-02T00:00:00Z")");
  EXPECT_FALSE(g.CoversStatement(StatementAt("2026-01-01T01:00:00+01:00")));  // == since
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-01T01:00:00.001+01:00")));
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-01T19:00:00-05:00")));  // == until
  EXPECT_FALSE(g.CoversStatement(StatementAt("2026-01-01T19:00:00.001-05:00")));
}

TEST(GrantStatementTest, Iso8601StatementTimestampIsRead) {
  Grant g = GrantWith(R"("since":"2026-01-01T00:00:00Z","until":"2026-01-02T00:00:00Z")");
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-01T12:00:00")));       // no offset: UTC
  EXPECT_TRUE(g.CoversStatement(StatementAt("20260101T120000Z")));          // basic format
  EXPECT_TRUE(g.CoversStatement(StatementAt("2026-01-01T13:00:00+0100")));  // hhmm offset
  EXPECT_FALSE(g.CoversStatement(StatementAt("2026-01-03T12:00:00")));
}

TEST(GrantStatementTest, MissingOrOddTimestampIsNotCoveredInAWindow) {
  for (const char* window :
       {R"("since":"2026-01-01T00:00:00Z")", R"("until":"2026-01-01T00:00:00Z")"}) {
    SCOPED_TRACE(window);
    Grant g = GrantWith(window);
    json::object s = Statement();
    s.erase("timestamp");
    EXPECT_FALSE(g.CoversStatement(s));
    for (const char* ts : {R"("")", R"("yesterday")", R"("2025-06-01")", "1767225600", "null",
                           R"(["2026-06-01T00:00:00Z"])", R"({"t":"2026-06-01T00:00:00Z"})"}) {
      SCOPED_TRACE(ts);
      s["timestamp"] = json::parse(ts);
      EXPECT_FALSE(g.CoversStatement(s));
    }
  }
}

TEST(GrantStatementTest, WindowIsOnTimestampNotStored) {
  Grant g = GrantWith(R"("until":"2026-01-01T00:00:00Z")");
  json::object s = StatementAt("2025-06-01T00:00:00Z");
  s["stored"] = "2026-06-01T00:00:00Z";  // imported later
  EXPECT_TRUE(g.CoversStatement(s));
  s["timestamp"] = "2026-06-01T00:00:00Z";
  s["stored"] = "2025-06-01T00:00:00Z";
  EXPECT_FALSE(g.CoversStatement(s));
}

TEST(GrantStatementTest, EveryRestrictionMustHold) {
  const Grant g = MustParse(kFullBody);
  ASSERT_TRUE(g.CoversStatement(Statement()));
  // Breaking any one restriction uncovers the statement.
  const std::vector<std::pair<const char*, std::function<void(json::object&)>>> breaks = {
      {"verb", [](json::object& s) { s["verb"].as_object()["id"] = "http://v.example/x"; }},
      {"object", [](json::object& s) { s["object"].as_object()["id"] = "https://x.example/1"; }},
      {"objectType", [](json::object& s) { s["object"].as_object()["objectType"] = "Agent"; }},
      {"registration",
       [](json::object& s) { s["context"].as_object()["registration"] = kOtherReg; }},
      {"before since", [](json::object& s) { s["timestamp"] = "2025-12-31T00:00:00Z"; }},
      {"after until", [](json::object& s) { s["timestamp"] = "2027-01-01T00:00:00.001Z"; }},
  };
  for (const auto& [name, apply] : breaks) {
    SCOPED_TRACE(name);
    json::object s = Statement();
    apply(s);
    EXPECT_FALSE(g.CoversStatement(s));
  }
}

TEST(GrantStatementTest, PrefixAloneInFullGrantStillCovers) {
  // The full grant lists course/1 and the prefix course/: course/2 passes by prefix.
  json::object s = Statement();
  s["object"].as_object()["id"] = "https://example.org/course/2";
  EXPECT_TRUE(MustParse(kFullBody).CoversStatement(s));
}

TEST(GrantStatementTest, HostileStatementsNeverThrow) {
  const Grant restricted = MustParse(kFullBody);
  const Grant open = MustParse(Body());
  const char* hostile[] = {
      "{}",
      R"({"verb":null,"object":null,"context":null,"timestamp":null})",
      R"({"verb":[],"object":[],"context":[],"timestamp":[]})",
      R"({"verb":1,"object":2,"context":3,"timestamp":4})",
      R"({"verb":"v","object":"o","context":"c","timestamp":"t"})",
      R"({"verb":{"id":{"id":{"id":[]}}},"object":{"id":[[[{}]]],"objectType":{}},
          "context":{"registration":{"registration":1}},"timestamp":{"timestamp":1}})",
      R"({"verb":{"id":1e308},"object":{"id":-0.0,"objectType":true},
          "context":{"registration":18446744073709551615},"timestamp":-9223372036854775808})",
      R"({"verb":{"id":""},"object":{"id":""},"context":{"registration":""},"timestamp":""})",
      R"({"timestamp":"9999-12-31T23:59:59.999999Z"})",
      R"({"timestamp":"0000-01-01T00:00:00Z"})",
  };
  for (const char* text : hostile) {
    SCOPED_TRACE(text);
    json::object s = json::parse(text).as_object();
    bool covered = true;
    EXPECT_NO_THROW(covered = restricted.CoversStatement(s));
    EXPECT_FALSE(covered);
    EXPECT_NO_THROW(covered = open.CoversStatement(s));
    EXPECT_TRUE(covered);  // an open grant reads nothing it could trip on
  }
}

// --- Coverage of documents -----------------------------------------------

TEST(GrantDocumentTest, WithoutTheDocumentsActionNoDocumentIsCovered) {
  Grant g = MustParse(Body());  // default actions: statements only
  EXPECT_FALSE(g.CoversDocument(kActivity, std::nullopt, At("2026-06-01T00:00:00Z")));
  EXPECT_FALSE(g.CoversDocument("", std::nullopt, At("2026-06-01T00:00:00Z")));
}

TEST(GrantDocumentTest, OpenDocumentsGrantCoversStateAndAgentProfile) {
  Grant g = GrantWith(R"("actions":["documents"])");
  EXPECT_TRUE(g.CoversDocument(kActivity, std::nullopt, At("2026-06-01T00:00:00Z")));
  EXPECT_TRUE(g.CoversDocument(kActivity, std::string(kReg), At("2026-06-01T00:00:00Z")));
  EXPECT_TRUE(g.CoversDocument("", std::nullopt, At("2026-06-01T00:00:00Z")));
}

TEST(GrantDocumentTest, ActivitiesApplyToTheStateActivity) {
  Grant g = GrantWith(R"("actions":["documents"],"activities":["https://example.org/course/1"])");
  EXPECT_TRUE(g.CoversDocument(kActivity, std::nullopt, 0));
  EXPECT_FALSE(g.CoversDocument("https://example.org/course/2", std::nullopt, 0));
}

TEST(GrantDocumentTest, PrefixesApplyToTheStateActivity) {
  Grant g = GrantWith(R"("actions":["documents"],"activityPrefixes":["https://example.org/"])");
  EXPECT_TRUE(g.CoversDocument("https://example.org/course/7", std::nullopt, 0));
  EXPECT_FALSE(g.CoversDocument("https://example.com/course/7", std::nullopt, 0));
}

TEST(GrantDocumentTest, AgentProfileIsCoveredOnlyWithoutActivityRestrictions) {
  EXPECT_TRUE(GrantWith(R"("actions":["documents"])").CoversDocument("", std::nullopt, 0));
  EXPECT_FALSE(GrantWith(R"("actions":["documents"],"activities":["https://example.org/1"])")
                   .CoversDocument("", std::nullopt, 0));
  EXPECT_FALSE(GrantWith(R"("actions":["documents"],"activityPrefixes":["https://example.org/"])")
                   .CoversDocument("", std::nullopt, 0));
}

TEST(GrantDocumentTest, RegistrationsApplyToTheStateRegistration) {
  Grant g = GrantWith(std::string(R"("actions":["documents"],"registrations":[")") + kReg + "\"]");
  EXPECT_TRUE(g.CoversDocument(kActivity, std::string(kReg), 0));
  EXPECT_TRUE(g.CoversDocument(kActivity, std::string("EC531277-B57B-4C15-8D91-D292C5B2B8F7"), 0));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::string(kOtherReg), 0));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::nullopt, 0));  // a State without registration
  EXPECT_FALSE(g.CoversDocument(kActivity, std::string("not-a-uuid"), 0));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::string(""), 0));
  EXPECT_FALSE(g.CoversDocument("", std::nullopt, 0));  // an Agent Profile has none
}

TEST(GrantDocumentTest, WindowAppliesToTheLastChange) {
  Grant g = GrantWith(R"("actions":["documents"],"since":"2026-01-01T00:00:00Z",)"
                      R"("until":"2026-02-01T00:00:00Z")");
  EXPECT_FALSE(g.CoversDocument(kActivity, std::nullopt, At("2026-01-01T00:00:00Z")));
  EXPECT_TRUE(g.CoversDocument(kActivity, std::nullopt, At("2026-01-01T00:00:00.001Z")));
  EXPECT_TRUE(g.CoversDocument(kActivity, std::nullopt, At("2026-02-01T00:00:00Z")));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::nullopt, At("2026-02-01T00:00:00.001Z")));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::nullopt, At("2026-02-01T00:00:00.000001Z")));
  EXPECT_TRUE(g.CoversDocument("", std::nullopt, At("2026-01-15T00:00:00Z")));
}

TEST(GrantDocumentTest, VerbsDoNotApplyToDocuments) {
  Grant g = GrantWith(std::string(R"("actions":["documents"],"verbs":[")") + kVerb + "\"]");
  EXPECT_TRUE(g.CoversDocument(kActivity, std::nullopt, 0));
  EXPECT_TRUE(g.CoversDocument("", std::nullopt, 0));
}

TEST(GrantDocumentTest, FullGrantCombinesRestrictions) {
  Grant g = MustParse(kFullBody);
  const Micros in = At("2026-06-01T00:00:00Z");
  EXPECT_TRUE(g.CoversDocument(kActivity, std::string(kReg), in));
  EXPECT_TRUE(g.CoversDocument("https://example.org/course/2", std::string(kReg), in));
  EXPECT_FALSE(g.CoversDocument("https://x.example/1", std::string(kReg), in));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::string(kOtherReg), in));
  EXPECT_FALSE(g.CoversDocument(kActivity, std::string(kReg), At("2025-06-01T00:00:00Z")));
  EXPECT_FALSE(g.CoversDocument("", std::nullopt, in));
}

TEST(GrantDocumentTest, StatementsOnlyAndDocumentsOnlyAreSeparate) {
  Grant docs = GrantWith(R"("actions":["documents"])");
  Grant stmts = GrantWith(R"("actions":["statements"])");
  EXPECT_TRUE(docs.CoversDocument(kActivity, std::nullopt, 0));
  EXPECT_FALSE(docs.CoversStatement(Statement()));
  EXPECT_FALSE(stmts.CoversDocument(kActivity, std::nullopt, 0));
  EXPECT_TRUE(stmts.CoversStatement(Statement()));
}


}  // namespace
}  // namespace lrs::consent
