// Tests for lrs/consent/grant.h, parsing: validation of POST /me/grants
// bodies (each failure names its field), normalisation, and the canonical
// JSON round trip.
#include "tests/unit/consent/grant_test_util.h"

namespace lrs::consent {
namespace {

using namespace grant_test;

// --- Validation: every failure names its field -----------------------------

struct InvalidCase {
  const char* name;
  std::string body;
  const char* message;  // the message starts with this ("field: problem")
};

std::ostream& operator<<(std::ostream& os, const InvalidCase& c) { return os << c.name; }

class GrantInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(GrantInvalidTest, RejectedNamingTheField) {
  const InvalidCase& c = GetParam();
  Result<Grant> r = Parse(c.body);
  ASSERT_FALSE(r.ok()) << c.body;
  EXPECT_TRUE(r.status().Is(Status::Code::kInvalidArgument));
  EXPECT_TRUE(r.status().message().starts_with(c.message))
      << "body: " << c.body << "\nmessage: " << r.status().message()
      << "\nexpected prefix: " << c.message;
}

std::string Org(std::string_view value) {
  return std::string(R"({"purpose":"Reporting","organisation":)") + std::string(value) + "}";
}
std::string Purpose(std::string_view value) {
  return std::string(R"({"organisation":")") + kOrg + R"(","purpose":)" + std::string(value) + "}";
}
std::string Field(std::string_view name, std::string_view value) {
  return Body("\"" + std::string(name) + "\":" + std::string(value));
}

const InvalidCase kInvalidCases[] = {
    // The body itself.
    {"BodyArray", "[]", "grant: must be a JSON object"},
    {"BodyString", R"("grant")", "grant: must be a JSON object"},
    {"BodyNull", "null", "grant: must be a JSON object"},
    {"BodyNumber", "42", "grant: must be a JSON object"},
    {"UnknownField", Field("colour", R"("red")"), "colour: not a field of a grant"},
    {"FieldNamesAreCaseSensitive", Field("Verbs", R"(["http://a.example/v"])"),
     "Verbs: not a field of a grant"},
    {"SnakeCaseIsNotAField", Field("activity_prefixes", R"(["http://a.example/"])"),
     "activity_prefixes: not a field of a grant"},
    {"StoredFieldsAreNotInput", Field("id", R"("x")"), "id: not a field of a grant"},
    {"UnknownBeforeMissing", R"({"colour":1})", "colour: not a field of a grant"},
    // organisation
    {"OrganisationMissing", R"({"purpose":"Reporting"})", "organisation: required"},
    {"OrganisationEmpty", Org(R"("")"), "organisation: required"},
    {"OrganisationNumber", Org("42"), "organisation: must be a string"},
    {"OrganisationNull", Org("null"), "organisation: must be a string"},
    {"OrganisationObject", Org(R"({"id":"x"})"), "organisation: must be a string"},
    {"OrganisationName", Org(R"("Acme Ltd")"), "organisation: must be a UUID"},
    {"OrganisationBraced", Org(R"("{0b7e3c1a-5f2d-4c9e-8a6b-1d2e3f4a5b6c}")"),
     "organisation: must be a UUID"},
    {"OrganisationNoHyphens", Org(R"("0b7e3c1a5f2d4c9e8a6b1d2e3f4a5b6c")"),
     "organisation: must be a UUID"},
    // verbs, activities, activityPrefixes: arrays of IRIs
    {"VerbsString", Field("verbs", R"("http://a.example/v")"), "verbs: must be an array"},
    {"VerbsNull", Field("verbs", "null"), "verbs: must be an array"},
    {"VerbsObject", Field("verbs", R"({"id":"http://a.example/v"})"), "verbs: must be an array"},
    {"VerbsEmpty", Field("verbs", "[]"), "verbs: must not be empty"},
    {"VerbsNumber", Field("verbs", "[1]"), "verbs[0]: must be a string"},
    {"VerbsVerbObject", Field("verbs", R"([{"id":"http://a.example/v"}])"),
     "verbs[0]: must be a string"},
    {"VerbsNested", Field("verbs", "[[[[]]]]"), "verbs[0]: must be a string"},
    {"VerbsSecondNotIri", Field("verbs", R"(["http://a.example/v","completed"])"),
     "verbs[1]: must be an IRI"},
    {"VerbsEmptyString", Field("verbs", R"([""])"), "verbs[0]: must be an IRI"},
    {"VerbsSpace", Field("verbs", R"(["http://a.example/a b"])"), "verbs[0]: must be an IRI"},
    {"ActivitiesString", Field("activities", R"("http://a.example/1")"),
     "activities: must be an array"},
    {"ActivitiesEmpty", Field("activities", "[]"), "activities: must not be empty"},
    {"ActivitiesBool", Field("activities", R"(["http://a.example/1",true])"),
     "activities[1]: must be a string"},
    {"ActivitiesRelative", Field("activities", R"(["/course/1"])"),
     "activities[0]: must be an IRI"},
    {"PrefixesNumber", Field("activityPrefixes", "7"), "activityPrefixes: must be an array"},
    {"PrefixesEmpty", Field("activityPrefixes", "[]"), "activityPrefixes: must not be empty"},
    {"PrefixesNull", Field("activityPrefixes", "[null]"), "activityPrefixes[0]: must be a string"},
    {"PrefixesNotIri", Field("activityPrefixes", R"(["example.org/course/"])"),
     "activityPrefixes[0]: must be an IRI"},
    // registrations
    {"RegistrationsString", Field("registrations", std::string("\"") + kReg + "\""),
     "registrations: must be an array"},
    {"RegistrationsEmpty", Field("registrations", "[]"), "registrations: must not be empty"},
    {"RegistrationsNumber", Field("registrations", "[12345]"),
     "registrations[0]: must be a string"},
    {"RegistrationsNotUuid", Field("registrations", std::string("[\"") + kReg + R"(","abc"])"),
     "registrations[1]: must be a UUID"},
    {"RegistrationsTruncated", Field("registrations", R"(["ec531277-b57b-4c15-8d91"])"),
     "registrations[0]: must be a UUID"},
    // since, until, expires
    {"SinceNumber", Field("since", "20260101"), "since: must be a string"},
    {"SinceObject", Field("since", R"({"date":"2026-01-01"})"), "since: must be a string"},
    {"SinceWords", Field("since", R"("yesterday")"), "since: must be an RFC 3339 timestamp"},
    {"SinceDateOnly", Field("since", R"("2026-01-01")"), "since: must be an RFC 3339 timestamp"},
    {"SinceNoSuchDay", Field("since", R"("2026-02-30T00:00:00Z")"),
     "since: must be an RFC 3339 timestamp"},
    {"SinceUnknownOffset", Field("since", R"("2026-01-01T00:00:00-00:00")"),
     "since: must be an RFC 3339 timestamp"},
    {"UntilBool", Field("until", "false"), "until: must be a string"},
    {"UntilGarbage", Field("until", R"("2026-13-01T00:00:00Z")"),
     "until: must be an RFC 3339 timestamp"},
    {"ExpiresNull", Field("expires", "null"), "expires: must be a string"},
    {"ExpiresGarbage", Field("expires", R"("next year")"),
     "expires: must be an RFC 3339 timestamp"},
    {"UntilEqualsSince", Body(R"("since":"2026-01-01T00:00:00Z","until":"2026-01-01T00:00:00Z")"),
     "until: must be after since"},
    {"UntilBeforeSince",
     Body(R"("since":"2026-01-01T00:00:00Z","until":"2025-12-31T23:59:59.999Z")"),
     "until: must be after since"},
    {"UntilEqualsSinceAcrossOffsets",
     Body(R"("since":"2026-01-01T01:00:00+01:00","until":"2026-01-01T00:00:00Z")"),
     "until: must be after since"},
    // Rounding to the millisecond (since up, until down) leaves no window.
    {"WindowVanishesBelowAMillisecond",
     Body(R"("since":"2026-01-01T00:00:00.0001Z","until":"2026-01-01T00:00:00.0009Z")"),
     "until: must be after since"},
    // Found by tests/fuzz (grant): in UTC these leave the four-digit years,
    // so the canonical JSON could not be read back.
    {"SinceBeforeYearZeroInUtc", Field("since", R"("0000-01-01T00:00:00+01:00")"),
     "since: must lie within the years 0000 to 9999"},
    {"UntilAfterYear9999InUtc", Field("until", R"("9999-12-31T23:59:59-00:01")"),
     "until: must lie within the years 0000 to 9999"},
    {"SinceRoundedUpIntoYear10000", Field("since", R"("9999-12-31T23:59:59.9999Z")"),
     "since: must lie within the years 0000 to 9999"},
    {"ExpiresAfterYear9999InUtc", Field("expires", R"("9999-12-31T23:00:00-01:00")"),
     "expires: must lie within the years 0000 to 9999"},
    // actions
    {"ActionsString", Field("actions", R"("statements")"), "actions: must be an array"},
    {"ActionsEmpty", Field("actions", "[]"), "actions: must not be empty"},
    {"ActionsNumber", Field("actions", "[1]"), "actions[0]: must be a string"},
    {"ActionsNull", Field("actions", "[null]"), "actions[0]: must be a string"},
    {"ActionsUnknown", Field("actions", R"(["statements","read"])"),
     R"(actions[1]: must be "statements" or "documents")"},
    {"ActionsCaseSensitive", Field("actions", R"(["Statements"])"),
     R"(actions[0]: must be "statements" or "documents")"},
    {"ActionsDuplicate", Field("actions", R"(["documents","statements","documents"])"),
     "actions[2]: duplicate"},
    // purpose
    {"PurposeMissing", std::string(R"({"organisation":")") + kOrg + "\"}", "purpose: required"},
    {"PurposeEmpty", Purpose(R"("")"), "purpose: required"},
    {"PurposeBlank", Purpose(R"(" \t\n\r ")"), "purpose: required"},
    {"PurposeNumber", Purpose("7"), "purpose: must be a string"},
    {"PurposeArray", Purpose(R"(["Reporting"])"), "purpose: must be a string"},
    {"PurposeNull", Purpose("null"), "purpose: must be a string"},
    // replaces
    {"ReplacesNumber", Field("replaces", "5"), "replaces: must be a string"},
    {"ReplacesEmpty", Field("replaces", R"("")"), "replaces: must be a UUID"},
    {"ReplacesNotUuid", Field("replaces", R"("grant-1")"), "replaces: must be a UUID"},
    {"ReplacesArray", Field("replaces", std::string("[\"") + kReg + "\"]"),
     "replaces: must be a string"},
};

INSTANTIATE_TEST_SUITE_P(Cases, GrantInvalidTest, testing::ValuesIn(kInvalidCases),
                         [](const testing::TestParamInfo<InvalidCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(GrantParseTest, PurposeOfAThousandCharactersIsAccepted) {
  Grant g = MustParse(Purpose("\"" + std::string(1000, 'x') + "\""));
  EXPECT_EQ(g.purpose.size(), 1000u);
}

TEST(GrantParseTest, PurposeOverAThousandCharactersIsRejected) {
  Result<Grant> r = Parse(Purpose("\"" + std::string(1001, 'x') + "\""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "purpose: must be at most 1000 characters");
}

TEST(GrantParseTest, PurposeLengthCountsCharactersNotBytes) {
  std::string thousand;
  for (int i = 0; i < 1000; ++i) thousand += "\xC3\xA9";  // é: 2 bytes, 1 character
  Grant g = MustParse(Purpose("\"" + thousand + "\""));
  EXPECT_EQ(g.purpose, thousand);
  EXPECT_FALSE(Parse(Purpose("\"" + thousand + "\xC3\xA9\"")).ok());
}

TEST(GrantParseTest, PurposeLengthIsMeasuredAfterTrimming) {
  Grant g = MustParse(Purpose("\"   " + std::string(1000, 'x') + "\\n\""));
  EXPECT_EQ(g.purpose, std::string(1000, 'x'));
}

TEST(GrantParseTest, PurposeIsTrimmed) {
  EXPECT_EQ(MustParse(Purpose(R"("  Fire safety \n")")).purpose, "Fire safety");
}

TEST(GrantParseTest, MinimalGrantRestrictsNothing) {
  Grant g = MustParse(Body());
  EXPECT_EQ(g.organisation, kOrg);
  EXPECT_EQ(g.purpose, "Reporting");
  EXPECT_TRUE(g.verbs.empty());
  EXPECT_TRUE(g.activities.empty());
  EXPECT_TRUE(g.activity_prefixes.empty());
  EXPECT_TRUE(g.registrations.empty());
  EXPECT_FALSE(g.since.has_value());
  EXPECT_FALSE(g.until.has_value());
  EXPECT_FALSE(g.expires.has_value());
  EXPECT_TRUE(g.statements);  // the default action
  EXPECT_FALSE(g.documents);
  EXPECT_FALSE(g.replaces.has_value());
}

TEST(GrantParseTest, FullGrantFromTheContract) {
  Grant g = MustParse(kFullBody);
  EXPECT_EQ(g.organisation, kOrg);  // lowercased
  EXPECT_EQ(g.verbs, std::vector<std::string>{kVerb});
  EXPECT_EQ(g.activities, std::vector<std::string>{kActivity});
  EXPECT_EQ(g.activity_prefixes, std::vector<std::string>{"https://example.org/course/"});
  EXPECT_EQ(g.registrations, std::vector<std::string>{kReg});  // lowercased
  EXPECT_EQ(g.since, At("2026-01-01T00:00:00Z"));
  EXPECT_EQ(g.until, At("2027-01-01T00:00:00Z"));
  EXPECT_EQ(g.expires, At("2027-06-30T00:00:00Z"));
  EXPECT_TRUE(g.statements);
  EXPECT_TRUE(g.documents);
  EXPECT_EQ(g.purpose, "Compliance reporting for the fire-safety course");
  EXPECT_EQ(g.replaces, std::optional<std::string>(kOtherReg));  // lowercased
}

TEST(GrantParseTest, ActionsSelectWhatIsGranted) {
  Grant docs = GrantWith(R"("actions":["documents"])");
  EXPECT_FALSE(docs.statements);
  EXPECT_TRUE(docs.documents);
  Grant both = GrantWith(R"("actions":["documents","statements"])");
  EXPECT_TRUE(both.statements);
  EXPECT_TRUE(both.documents);
  Grant stmts = GrantWith(R"("actions":["statements"])");
  EXPECT_TRUE(stmts.statements);
  EXPECT_FALSE(stmts.documents);
}

TEST(GrantParseTest, ListsKeepTheirOrder) {
  Grant g = GrantWith(R"("verbs":["http://b.example/v","http://a.example/v"])");
  EXPECT_EQ(g.verbs, (std::vector<std::string>{"http://b.example/v", "http://a.example/v"}));
}

TEST(GrantParseTest, TimestampsWithOffsetsAreReadAsInstants) {
  Grant g = GrantWith(R"("since":"2026-01-01T02:00:00+02:00")");
  EXPECT_EQ(g.since, At("2026-01-01T00:00:00Z"));
}

TEST(GrantParseTest, Iso8601TimestampWithoutOffsetIsReadAsUtc) {
  Grant g = GrantWith(R"("until":"2026-01-01T00:00:00")");
  EXPECT_EQ(g.until, At("2026-01-01T00:00:00Z"));
}

TEST(GrantParseTest, SubMillisecondDigitsOnlyNarrowTheGrant) {
  Grant g = GrantWith(R"("since":"2026-01-01T00:00:00.0001Z","until":"2026-02-01T00:00:00.0009Z",)"
                      R"("expires":"2026-03-01T00:00:00.999999Z")");
  EXPECT_EQ(g.since, At("2026-01-01T00:00:00.001Z"));    // up: later start
  EXPECT_EQ(g.until, At("2026-02-01T00:00:00.000Z"));    // down: earlier end
  EXPECT_EQ(g.expires, At("2026-03-01T00:00:00.999Z"));  // down: expires sooner
  Grant exact = GrantWith(R"("since":"2026-01-01T00:00:00.123000Z")");
  EXPECT_EQ(exact.since, At("2026-01-01T00:00:00.123Z"));  // already whole: unchanged
}

TEST(GrantParseTest, FirstAndLastFourDigitYearInstantsAreAccepted) {
  Grant g = GrantWith(R"("since":"0000-01-01T00:00:00Z","until":"9999-12-31T23:59:59.999Z")");
  EXPECT_EQ(g.since, At("0000-01-01T00:00:00Z"));
  EXPECT_EQ(g.until, At("9999-12-31T23:59:59.999Z"));
  EXPECT_EQ(ParseGrant(GrantToJson(g)).value(), g);
}

TEST(GrantParseTest, SubMillisecondRoundingBeforeTheEpoch) {
  Grant g = GrantWith(R"("since":"1969-12-31T23:59:59.9995Z","until":"1970-01-01T00:00:00.0015Z",)"
                      R"("expires":"1969-12-31T23:59:59.9995Z")");
  EXPECT_EQ(g.since, Micros{0});        // -500 us rounds up
  EXPECT_EQ(g.until, Micros{1000});     // 1500 us rounds down
  EXPECT_EQ(g.expires, Micros{-1000});  // -500 us rounds down
}

TEST(GrantParseTest, OrganisationRegistrationsAndReplacesAreLowercased) {
  Grant g = MustParse(kFullBody);
  EXPECT_EQ(g.organisation, "0b7e3c1a-5f2d-4c9e-8a6b-1d2e3f4a5b6c");
  EXPECT_EQ(g.registrations.at(0), "ec531277-b57b-4c15-8d91-d292c5b2b8f7");
  EXPECT_EQ(*g.replaces, "6690e6c9-3ef0-4ed3-8b37-7f3964730bee");
}

TEST(GrantParseTest, ExpiryInThePastIsStillAGrant) {
  // Whether a new grant may already be expired is the endpoint's call (it
  // has the clock); the grant itself parses.
  Grant g = GrantWith(R"("expires":"2000-01-01T00:00:00Z")");
  EXPECT_EQ(g.expires, At("2000-01-01T00:00:00Z"));
}

// --- Canonical JSON -------------------------------------------------------

std::vector<std::string> Keys(const json::object& o) {
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  return keys;
}

TEST(GrantJsonTest, FullGrantInContractOrder) {
  json::object o = GrantToJson(MustParse(kFullBody));
  EXPECT_EQ(Keys(o), (std::vector<std::string>{
                         "organisation", "verbs", "activities", "activityPrefixes", "registrations",
                         "since", "until", "expires", "actions", "purpose", "replaces"}));
}

TEST(GrantJsonTest, FullGrantCanonicalText) {
  EXPECT_EQ(Canonical(MustParse(kFullBody)),
            R"({"organisation":"0b7e3c1a-5f2d-4c9e-8a6b-1d2e3f4a5b6c",)"
            R"("verbs":["http://adlnet.gov/expapi/verbs/completed"],)"
            R"("activities":["https://example.org/course/1"],)"
            R"("activityPrefixes":["https://example.org/course/"],)"
            R"("registrations":["ec531277-b57b-4c15-8d91-d292c5b2b8f7"],)"
            R"("since":"2026-01-01T00:00:00.000Z","until":"2027-01-01T00:00:00.000Z",)"
            R"("expires":"2027-06-30T00:00:00.000Z","actions":["statements","documents"],)"
            R"("purpose":"Compliance reporting for the fire-safety course",)"
            R"("replaces":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"})");
}

TEST(GrantJsonTest, MinimalGrantHasDefaultActions) {
  EXPECT_EQ(Canonical(MustParse(Body())),
            std::string(R"({"organisation":")") + kOrg +
                R"(","actions":["statements"],"purpose":"Reporting"})");
}

TEST(GrantJsonTest, ActionsAreInCanonicalOrder) {
  json::object o = GrantToJson(GrantWith(R"("actions":["documents","statements"])"));
  EXPECT_EQ(json::serialize(o["actions"]), R"(["statements","documents"])");
  json::object docs = GrantToJson(GrantWith(R"("actions":["documents"])"));
  EXPECT_EQ(json::serialize(docs["actions"]), R"(["documents"])");
}

TEST(GrantJsonTest, TimestampsAreUtcWithMilliseconds) {
  json::object o = GrantToJson(
      GrantWith(R"("since":"2026-01-01T02:00:00+02:00","until":"2026-03-01T00:00:00.5Z",)"
                R"("expires":"2026-04-01T10:20:30.123456Z")"));
  EXPECT_EQ(o["since"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(o["until"], "2026-03-01T00:00:00.500Z");
  EXPECT_EQ(o["expires"], "2026-04-01T10:20:30.123Z");
}

TEST(GrantJsonTest, RoundTripGivesTheSameGrant) {
  const std::string bodies[] = {
      Body(),
      kFullBody,
      Body(R"("actions":["documents"])"),
      Body(R"("verbs":["http://b.example/v","http://a.example/v","http://b.example/v"])"),
      Body(R"("activityPrefixes":["https://example.org/"],"expires":"2030-01-01T00:00:00Z")"),
      Body(R"("since":"2026-01-01T00:00:00.0001Z","until":"2026-02-01T23:59:59.9999+05:30")"),
      Body(R"("registrations":["EC531277-B57B-4C15-8D91-D292C5B2B8F7",)"
           R"("6690e6c9-3ef0-4ed3-8b37-7f3964730bee"],"replaces":)"
           R"("EC531277-B57B-4C15-8D91-D292C5B2B8F7")"),
      Purpose(R"(" Zürich \u00e9\u4e2d\ud83d\ude00 \"quoted\" \n")"),
      Body(R"("since":"1970-01-01T00:00:00Z","until":"9999-12-31T23:59:59.999Z")"),
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    Grant g = MustParse(body);
    Result<Grant> again = ParseGrant(GrantToJson(g));
    ASSERT_TRUE(again.ok()) << again.status().message();
    ExpectSameGrant(*again, g);
    EXPECT_EQ(Canonical(*again), Canonical(g));
  }
}

TEST(GrantJsonTest, RoundTripThroughText) {
  Grant g = MustParse(kFullBody);
  Grant again = MustParse(Canonical(g));
  ExpectSameGrant(again, g);
}

TEST(GrantJsonTest, EqualityNoticesEachField) {
  // Guards the round-trip tests: operator== must compare every field.
  const Grant base = MustParse(kFullBody);
  const std::vector<std::function<void(Grant&)>> changes = {
      [](Grant& g) { g.organisation = kReg; },
      [](Grant& g) { g.verbs.push_back("http://x.example/v"); },
      [](Grant& g) { g.activities.clear(); },
      [](Grant& g) { g.activity_prefixes.clear(); },
      [](Grant& g) { g.registrations.clear(); },
      [](Grant& g) { *g.since += 1000; },
      [](Grant& g) { g.until.reset(); },
      [](Grant& g) { *g.expires -= 1000; },
      [](Grant& g) { g.statements = false; },
      [](Grant& g) { g.documents = false; },
      [](Grant& g) { g.purpose += "!"; },
      [](Grant& g) { g.replaces.reset(); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    SCOPED_TRACE(i);
    Grant changed = base;
    changes[i](changed);
    EXPECT_FALSE(changed == base);
    EXPECT_NE(Canonical(changed), Canonical(base));
  }
}


}  // namespace
}  // namespace lrs::consent
