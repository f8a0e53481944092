// Tests for lrs/xapi/format.h: format=ids and format=canonical output,
// Accept-Language parsing, and the statement comparison used for idempotent
// re-submission of a statement id.
#include "lrs/xapi/format.h"

#include <gtest/gtest.h>

namespace lrs::xapi {
namespace {

namespace json = boost::json;

json::value Parse(std::string_view text) { return json::parse(text); }

// A statement exercising every place ids/canonical must reach.
constexpr std::string_view kFull = R"({
  "id": "f8d0a0a4-5d5b-4d4e-9a53-3f0c6a1c1a11",
  "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
           "display": {"en-US": "attended", "en-GB": "attended", "fr": "a assisté"}},
  "object": {"objectType": "Activity", "id": "http://example.org/act/1",
             "definition": {
               "name": {"en-US": "Color", "en-GB": "Colour", "de": "Farbe"},
               "description": {"en-US": "Pick a color", "de": "Wähle eine Farbe"},
               "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
               "interactionType": "choice",
               "correctResponsesPattern": ["red"],
               "choices": [{"id": "red", "description": {"en-US": "Red", "de": "Rot"}}]}},
  "context": {
    "instructor": {"objectType": "Agent", "name": "Grace",
                   "account": {"homePage": "http://lms.example.org", "name": "grace"}},
    "team": {"objectType": "Group", "name": "Team",
             "member": [{"name": "Bo", "mbox_sha1sum": "ABCDEF0123456789ABCDEF0123456789ABCDEF01"}]},
    "contextActivities": {
      "parent": [{"objectType": "Activity", "id": "http://example.org/course",
                  "definition": {"name": {"en-US": "Course", "de": "Kurs"}}}],
      "category": {"id": "http://example.org/profile",
                   "definition": {"name": {"en-US": "Profile", "de": "Profil"}}}},
    "contextAgents": [{"objectType": "contextAgent",
                       "agent": {"name": "Cy", "openid": "http://openid.example.org/cy"}}],
    "contextGroups": [{"objectType": "contextGroup",
                       "group": {"objectType": "Group", "name": "Cohort",
                                 "mbox": "mailto:cohort@example.org",
                                 "member": [{"name": "Di", "mbox": "mailto:di@example.org"}]}}],
    "registration": "0a3b4c5d-1111-4222-8333-944455556666"},
  "timestamp": "2024-01-02T03:04:05.678Z",
  "stored": "2024-01-02T03:04:06.000Z",
  "authority": {"objectType": "Group", "member": [
      {"name": "App", "account": {"homePage": "http://lrs.example.org", "name": "app"}},
      {"name": "Ada", "mbox": "mailto:ada@example.org"}]},
  "attachments": [{"usageType": "http://example.org/usage", "contentType": "text/plain",
                   "length": 3, "sha2": "abc",
                   "display": {"en-US": "Notes", "de": "Notizen"},
                   "description": {"de": "Beschreibung", "en-GB": "Description"}}]
})";

constexpr std::string_view kSubStatement = R"({
  "actor": {"objectType": "Agent", "mbox": "mailto:ada@example.org"},
  "verb": {"id": "http://example.org/verbs/planned", "display": {"en-US": "planned"}},
  "object": {"objectType": "SubStatement",
    "actor": {"objectType": "Group", "member": [
        {"objectType": "Agent", "name": "Ed", "mbox": "mailto:ed@example.org"}]},
    "verb": {"id": "http://example.org/verbs/visit",
             "display": {"en-US": "will visit", "de": "wird besuchen"}},
    "object": {"objectType": "Activity", "id": "http://example.org/museum",
               "definition": {"name": {"en-US": "Museum", "de": "Museum DE"}}},
    "context": {"instructor": {"name": "Fa", "mbox": "mailto:fa@example.org"}}}
})";

// ---------------------------------------------------------------------------
// format=ids

class FormatIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    statement_ = Parse(kFull);
    ApplyFormat(statement_, Format::kIds, {});
  }
  const json::value& At(std::initializer_list<std::string_view> path) const {
    const json::value* v = &statement_;
    for (auto key : path) v = &v->at(key);
    return *v;
  }
  json::value statement_;
};

TEST_F(FormatIdsTest, AgentKeepsObjectTypeAndIfi) {
  EXPECT_EQ(At({"actor"}), Parse(R"({"objectType":"Agent","mbox":"mailto:ada@example.org"})"));
}

TEST_F(FormatIdsTest, VerbKeepsOnlyId) {
  EXPECT_EQ(At({"verb"}), Parse(R"({"id":"http://adlnet.gov/expapi/verbs/attended"})"));
}

TEST_F(FormatIdsTest, ActivityKeepsOnlyId) {
  // XAPI-00171 wants exactly one property on an ids-format Activity.
  EXPECT_EQ(At({"object"}), Parse(R"({"id":"http://example.org/act/1"})"));
}

TEST_F(FormatIdsTest, ContextActorsReduced) {
  EXPECT_EQ(At({"context", "instructor"}), Parse(R"({"objectType":"Agent",
                      "account":{"homePage":"http://lms.example.org","name":"grace"}})"));
  EXPECT_EQ(At({"context", "team"}), Parse(R"({"objectType":"Group","member":[
                      {"mbox_sha1sum":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"}]})"));
}

TEST_F(FormatIdsTest, ContextActivitiesReducedInBothForms) {
  EXPECT_EQ(At({"context", "contextActivities", "parent"}),
            Parse(R"([{"id":"http://example.org/course"}])"));
  EXPECT_EQ(At({"context", "contextActivities", "category"}),
            Parse(R"({"id":"http://example.org/profile"})"));
}

TEST_F(FormatIdsTest, ContextAgentsAndGroupsReduced) {
  EXPECT_EQ(At({"context", "contextAgents"}), Parse(R"([{"objectType":"contextAgent",
                       "agent":{"openid":"http://openid.example.org/cy"}}])"));
  // An identified Group is identified by its IFI alone: members go.
  EXPECT_EQ(At({"context", "contextGroups"}), Parse(R"([{"objectType":"contextGroup",
                       "group":{"objectType":"Group","mbox":"mailto:cohort@example.org"}}])"));
}

TEST_F(FormatIdsTest, AuthorityAnonymousGroupKeepsReducedMembers) {
  EXPECT_EQ(At({"authority"}), Parse(R"({"objectType":"Group","member":[
      {"account":{"homePage":"http://lrs.example.org","name":"app"}},
      {"mbox":"mailto:ada@example.org"}]})"));
}

TEST_F(FormatIdsTest, OtherPropertiesUntouched) {
  const json::value original = Parse(kFull);
  for (std::string_view key : {"id", "timestamp", "stored", "attachments"}) {
    EXPECT_EQ(At({key}), original.at(key)) << key;
  }
  EXPECT_EQ(At({"context", "registration"}), original.at("context").at("registration"));
}

TEST(FormatIdsSubStatementTest, SubStatementPartsReduced) {
  json::value s = Parse(kSubStatement);
  ApplyFormat(s, Format::kIds, {});
  EXPECT_EQ(s.at("object"), Parse(R"({"objectType":"SubStatement",
      "actor":{"objectType":"Group","member":[{"objectType":"Agent","mbox":"mailto:ed@example.org"}]},
      "verb":{"id":"http://example.org/verbs/visit"},
      "object":{"id":"http://example.org/museum"},
      "context":{"instructor":{"mbox":"mailto:fa@example.org"}}})"));
}

TEST(FormatIdsSubStatementTest, AgentAndStatementRefObjects) {
  json::value s = Parse(R"({"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://v"},
      "object":{"objectType":"Agent","name":"B","mbox":"mailto:b@example.org"}})");
  ApplyFormat(s, Format::kIds, {});
  EXPECT_EQ(s.at("object"), Parse(R"({"objectType":"Agent","mbox":"mailto:b@example.org"})"));

  json::value ref = Parse(R"({"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://v"},
      "object":{"objectType":"StatementRef","id":"9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}})");
  const json::value before = ref;
  ApplyFormat(ref, Format::kIds, {});
  EXPECT_EQ(ref.at("object"), before.at("object"));
}

TEST(FormatExactTest, Unchanged) {
  json::value s = Parse(kFull);
  ApplyFormat(s, Format::kExact, {"de"});
  EXPECT_EQ(s, Parse(kFull));
}

// ---------------------------------------------------------------------------
// format=canonical

json::value Canonical(std::string_view accept_language, std::string_view text = kFull) {
  json::value s = Parse(text);
  ApplyFormat(s, Format::kCanonical, ParseAcceptLanguage(accept_language));
  return s;
}

TEST(FormatCanonicalTest, ExactTagChosen) {
  const json::value s = Canonical("en-GB");
  EXPECT_EQ(s.at("verb").at("display"), Parse(R"({"en-GB":"attended"})"));
  EXPECT_EQ(s.at("object").at("definition").at("name"), Parse(R"({"en-GB":"Colour"})"));
  // No en-GB description: RFC 4647 lookup falls back from en-GB to en-*.
  EXPECT_EQ(s.at("object").at("definition").at("description"),
            Parse(R"({"en-US":"Pick a color"})"));
  EXPECT_EQ(s.at("attachments").at(0).at("description"), Parse(R"({"en-GB":"Description"})"));
}

TEST(FormatCanonicalTest, QValuesOrderPreference) {
  const json::value s = Canonical("en-US;q=0.5, de;q=0.9, fr;q=0.1");
  EXPECT_EQ(s.at("verb").at("display"), Parse(R"({"en-US":"attended"})"));  // no de display
  EXPECT_EQ(s.at("object").at("definition").at("name"), Parse(R"({"de":"Farbe"})"));
  EXPECT_EQ(s.at("object").at("definition").at("choices").at(0).at("description"),
            Parse(R"({"de":"Rot"})"));
  EXPECT_EQ(s.at("context").at("contextActivities").at("parent").at(0).at("definition").at("name"),
            Parse(R"({"de":"Kurs"})"));
  EXPECT_EQ(s.at("context").at("contextActivities").at("category").at("definition").at("name"),
            Parse(R"({"de":"Profil"})"));
  EXPECT_EQ(s.at("attachments").at(0).at("display"), Parse(R"({"de":"Notizen"})"));
}

TEST(FormatCanonicalTest, PrimaryRangeMatchesSubtaggedTag) {
  const json::value s = Canonical("fr, en");
  EXPECT_EQ(s.at("verb").at("display"), Parse(R"({"fr":"a assisté"})"));
  EXPECT_EQ(s.at("object").at("definition").at("name"), Parse(R"({"en-US":"Color"})"));
}

TEST(FormatCanonicalTest, MatchIsCaseInsensitive) {
  const json::value s = Canonical("EN-gb");
  EXPECT_EQ(s.at("verb").at("display"), Parse(R"({"en-GB":"attended"})"));
}

TEST(FormatCanonicalTest, NoMatchKeepsFirstEntry) {
  const json::value s = Canonical("ja-JP, ko;q=0.8");
  EXPECT_EQ(s.at("verb").at("display"), Parse(R"({"en-US":"attended"})"));
  EXPECT_EQ(s.at("attachments").at(0).at("description"), Parse(R"({"de":"Beschreibung"})"));
}

TEST(FormatCanonicalTest, NoHeaderKeepsFirstEntry) {
  const json::value s = Canonical("");
  EXPECT_EQ(s.at("object").at("definition").at("name"), Parse(R"({"en-US":"Color"})"));
}

TEST(FormatCanonicalTest, AgentsUntouchedAndOtherDefinitionKept) {
  const json::value s = Canonical("de");
  const json::value original = Parse(kFull);
  EXPECT_EQ(s.at("actor"), original.at("actor"));
  EXPECT_EQ(s.at("authority"), original.at("authority"));
  EXPECT_EQ(s.at("context").at("team"), original.at("context").at("team"));
  EXPECT_EQ(s.at("object").at("definition").at("correctResponsesPattern"),
            original.at("object").at("definition").at("correctResponsesPattern"));
}

TEST(FormatCanonicalTest, SubStatementFiltered) {
  const json::value s = Canonical("de", kSubStatement);
  EXPECT_EQ(s.at("object").at("verb").at("display"), Parse(R"({"de":"wird besuchen"})"));
  EXPECT_EQ(s.at("object").at("object").at("definition").at("name"),
            Parse(R"({"de":"Museum DE"})"));
}

// ---------------------------------------------------------------------------
// Accept-Language

using Ranges = std::vector<std::string>;

TEST(FormatAcceptLanguageTest, Single) { EXPECT_EQ(ParseAcceptLanguage("en-GB"), Ranges{"en-GB"}); }

TEST(FormatAcceptLanguageTest, OrderedByQThenHeaderOrder) {
  EXPECT_EQ(ParseAcceptLanguage("da, en-gb;q=0.8, en;q=0.7"), (Ranges{"da", "en-gb", "en"}));
  EXPECT_EQ(ParseAcceptLanguage("en;q=0.7,fr,de;q=0.7, it ; q=1.0"),
            (Ranges{"fr", "it", "en", "de"}));
}

TEST(FormatAcceptLanguageTest, DropsWildcardZeroAndMalformed) {
  EXPECT_EQ(ParseAcceptLanguage("fr;q=0, *;q=0.5, en;q=0.000, de;q=2, es;q=abc, , it"),
            Ranges{"it"});
}

TEST(FormatAcceptLanguageTest, Empty) { EXPECT_TRUE(ParseAcceptLanguage("").empty()); }

// ---------------------------------------------------------------------------
// SameStatement

constexpr std::string_view kIncoming = R"({
  "id": "2f0e1a7c-1c2d-4b8e-9f3a-5a6b7c8d9e0f",
  "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
  "object": {"id": "http://example.org/act/1", "definition": {"name": {"en-US": "One"}}},
  "result": {"success": true, "score": {"scaled": 0.5}, "duration": "PT1M2.5S"},
  "context": {"contextActivities": {"parent": [{"id": "http://example.org/course"}]}},
  "timestamp": "2024-01-02T03:04:05.678Z"
})";

json::value Incoming() { return Parse(kIncoming); }

// What the LRS keeps for kIncoming: its own properties added.
json::value Stored() {
  json::value s = Parse(kIncoming);
  json::object& o = s.get_object();
  o["stored"] = "2024-05-06T07:08:09.000Z";
  o["version"] = "1.0.3";
  o["authority"] = Parse(R"({"objectType":"Agent","account":
                             {"homePage":"http://lrs.example.org","name":"admin"}})");
  return s;
}

TEST(SameStatementTest, IdenticalIsSame) { EXPECT_TRUE(SameStatement(Incoming(), Stored())); }

TEST(SameStatementTest, ReorderedPropertiesSame) {
  const json::value reordered = Parse(R"({
    "timestamp": "2024-01-02T03:04:05.678Z",
    "context": {"contextActivities": {"parent": [{"id": "http://example.org/course"}]}},
    "result": {"duration": "PT1M2.5S", "score": {"scaled": 0.5}, "success": true},
    "object": {"definition": {"name": {"en-US": "One"}}, "id": "http://example.org/act/1"},
    "verb": {"display": {"en-US": "completed"}, "id": "http://adlnet.gov/expapi/verbs/completed"},
    "actor": {"mbox": "mailto:ada@example.org", "name": "Ada", "objectType": "Agent"},
    "id": "2f0e1a7c-1c2d-4b8e-9f3a-5a6b7c8d9e0f"
  })");
  EXPECT_TRUE(SameStatement(reordered, Stored()));
}

TEST(SameStatementTest, DifferentResultDiffers) {
  json::value other = Incoming();
  other.at("result").at("success") = false;
  EXPECT_FALSE(SameStatement(other, Stored()));
  other = Incoming();
  other.at("result").at("score").at("scaled") = 0.6;
  EXPECT_FALSE(SameStatement(other, Stored()));
  other = Incoming();
  other.get_object().erase("result");
  EXPECT_FALSE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, DifferentVerbOrActorDiffers) {
  json::value other = Incoming();
  other.at("verb").at("id") = "http://adlnet.gov/expapi/verbs/failed";
  EXPECT_FALSE(SameStatement(other, Stored()));
  other = Incoming();
  other.at("actor").at("mbox") = "mailto:grace@example.org";
  EXPECT_FALSE(SameStatement(other, Stored()));
  other = Incoming();
  other.at("actor").at("name") = "Ada Lovelace";
  EXPECT_FALSE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, SameInstantDifferentOffsetSame) {
  json::value other = Incoming();
  other.at("timestamp") = "2024-01-02T05:34:05.678+02:30";
  EXPECT_TRUE(SameStatement(other, Stored()));
  other.at("timestamp") = "2024-01-01T22:04:05.678-05:00";
  EXPECT_TRUE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, SubMillisecondDigitsIgnored) {
  // The LRS may keep timestamps to the millisecond only (Data 4.5.s1.b7).
  json::value other = Incoming();
  other.at("timestamp") = "2024-01-02T03:04:05.678912Z";
  EXPECT_TRUE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, DifferentInstantDiffers) {
  json::value other = Incoming();
  other.at("timestamp") = "2024-01-02T03:04:05.679Z";
  EXPECT_FALSE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, MissingTimestampMatchesLrsAssigned) {
  json::value incoming = Incoming();
  incoming.get_object().erase("timestamp");
  json::value stored = Stored();
  stored.at("timestamp") = "2024-05-06T07:08:09.000Z";
  EXPECT_TRUE(SameStatement(incoming, stored));
}

TEST(SameStatementTest, TimestampOnlyOnIncomingDiffers) {
  json::value stored = Stored();
  stored.get_object().erase("timestamp");
  EXPECT_FALSE(SameStatement(Incoming(), stored));
}

TEST(SameStatementTest, LrsPropertiesIgnored) {
  json::value incoming = Incoming();
  incoming.get_object().erase("id");
  incoming.get_object()["version"] = "1.0.0";
  incoming.get_object()["authority"] = Parse(R"({"mbox":"mailto:someone@example.org"})");
  json::value stored = Stored();
  stored.at("id") = "00000000-0000-4000-8000-000000000000";
  EXPECT_TRUE(SameStatement(incoming, stored));
}

TEST(SameStatementTest, DisplayAndDefinitionIgnored) {
  // Not part of the statement (Data 2.3.1.b2-b3).
  json::value other = Incoming();
  other.at("verb").at("display") = Parse(R"({"de":"abgeschlossen"})");
  other.at("object").get_object().erase("definition");
  EXPECT_TRUE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, DefaultedObjectTypesAndLoneContextActivity) {
  json::value other = Incoming();
  other.at("actor").get_object().erase("objectType");
  other.at("object").get_object()["objectType"] = "Activity";
  other.at("context").at("contextActivities").at("parent") =
      Parse(R"({"id":"http://example.org/course"})");
  EXPECT_TRUE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, GroupMemberOrderIgnored) {
  json::value a = Incoming();
  a.at("actor") = Parse(R"({"objectType":"Group","member":[
      {"mbox":"mailto:x@example.org"},{"objectType":"Agent","mbox":"mailto:y@example.org"}]})");
  json::value b = Stored();
  b.at("actor") = Parse(R"({"objectType":"Group","member":[
      {"mbox":"mailto:y@example.org"},{"mbox":"mailto:x@example.org"}]})");
  EXPECT_TRUE(SameStatement(a, b));
  b.at("actor").at("member").at(0).at("mbox") = "mailto:z@example.org";
  EXPECT_FALSE(SameStatement(a, b));
}

TEST(SameStatementTest, DurationComparedToHundredths) {
  json::value other = Incoming();
  other.at("result").at("duration") = "PT1M2.5049S";
  EXPECT_TRUE(SameStatement(other, Stored()));
  other.at("result").at("duration") = "PT1M2.50S";
  EXPECT_TRUE(SameStatement(other, Stored()));
  other.at("result").at("duration") = "PT1M2.51S";
  EXPECT_FALSE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, NumbersComparedByValue) {
  json::value other = Incoming();
  json::value stored = Stored();
  other.at("result").at("score") = Parse(R"({"raw": 1})");
  stored.at("result").at("score") = Parse(R"({"raw": 1.0})");
  EXPECT_TRUE(SameStatement(other, stored));
}

TEST(SameStatementTest, IfiComparedExactly) {
  json::value other = Incoming();
  other.at("actor").at("mbox") = "mailto:ADA@example.org";
  EXPECT_FALSE(SameStatement(other, Stored()));
}

TEST(SameStatementTest, SubStatementTimestampComparedByInstant) {
  json::value a = Parse(kSubStatement);
  json::value b = Parse(kSubStatement);
  a.at("object").get_object()["timestamp"] = "2024-01-02T03:04:05Z";
  b.at("object").get_object()["timestamp"] = "2024-01-02T04:04:05+01:00";
  EXPECT_TRUE(SameStatement(a, b));
  b.at("object").get_object().erase("timestamp");
  EXPECT_FALSE(SameStatement(a, b));
}

}  // namespace
}  // namespace lrs::xapi
