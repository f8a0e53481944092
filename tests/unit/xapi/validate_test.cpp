// Tests for lrs/xapi/validate.h. Each rule has at least one statement that
// must pass and one that must fail; a failure must be InvalidArgument and its
// message must begin with the JSON path of the offending property. Cases are
// edits applied to one small valid statement, run at the versions they name.
#include "lrs/xapi/validate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lrs::xapi {
namespace {

namespace json = boost::json;

constexpr const char* kBase = R"({
  "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
  "object": {"objectType": "Activity", "id": "http://example.org/activity/1",
             "definition": {"name": {"en-US": "Quiz"}}}
})";

// Reusable fragments.
constexpr const char* kSub = R"({"objectType": "SubStatement",
  "actor": {"mbox": "mailto:bob@example.org"},
  "verb": {"id": "http://example.org/verbs/plans"},
  "object": {"id": "http://example.org/activity/2"}})";
constexpr const char* kRef = R"({"objectType": "StatementRef",
  "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"})";
constexpr const char* kAgentObject = R"({"objectType": "Agent", "mbox": "mailto:c@example.org"})";
constexpr const char* kGroup = R"({"objectType": "Group", "name": "Team",
  "mbox": "mailto:team@example.org", "member": [{"mbox": "mailto:bob@example.org"}]})";
constexpr const char* kGroupMember = R"([{"objectType": "Group", "mbox": "mailto:t@e.org"}])";
constexpr const char* kOAuth = R"({"objectType": "Group", "member": [
  {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "consumer"}},
  {"mbox": "mailto:bob@example.org"}]})";
constexpr const char* kAttachment = R"([{"usageType": "http://example.com/usage/test",
  "display": {"en-US": "A test"}, "description": {"en-US": "Described"},
  "contentType": "text/plain; charset=ascii", "length": 27,
  "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
  "fileUrl": "http://example.com/file.txt"}])";
constexpr const char* kVoided = R"({"id": "http://adlnet.gov/expapi/verbs/voided"})";

// One change to the base statement: set the value at a dotted path (created
// as needed), or erase it when `json` is nullptr.
struct Edit {
  const char* path;
  const char* json;
};

enum Versions { k103 = 1, k200 = 2, kBoth = 3 };

struct Case {
  const char* name;
  std::vector<Edit> edits;
  const char* error;  // nullptr: accepted; else the path the message names
  Versions versions = kBoth;
};

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    keys.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) return keys;
    start = dot + 1;
  }
}

json::value Apply(const std::vector<Edit>& edits) {
  json::value root = json::parse(kBase);
  for (const Edit& e : edits) {
    std::vector<std::string> keys = SplitPath(e.path);
    json::object* o = &root.as_object();
    for (size_t i = 0; i + 1 < keys.size(); ++i) {
      json::value& next = (*o)[keys[i]];
      if (!next.is_object()) next = json::object();
      o = &next.as_object();
    }
    if (e.json) {
      (*o)[keys.back()] = json::parse(e.json);
    } else {
      o->erase(keys.back());
    }
  }
  return root;
}

// True when `message` names `path` or a property inside it: "a.b: ...",
// "a.b.c: ..." and "a.b[0]: ..." all name "a.b".
bool NamesPath(const std::string& message, std::string_view path) {
  if (message.compare(0, path.size(), path) != 0 || message.size() <= path.size()) return false;
  char next = message[path.size()];
  return next == ':' || next == '.' || next == '[';
}

void ExpectVerdict(const json::value& statement, Version version, const char* error) {
  Status s = ValidateStatement(statement, version);
  if (!error) {
    EXPECT_TRUE(s.ok()) << s.message() << "\n" << json::serialize(statement);
    return;
  }
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << json::serialize(statement);
  EXPECT_TRUE(NamesPath(s.message(), error))
      << "message \"" << s.message() << "\" should name \"" << error << "\"";
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ValidateCaseTest : public testing::TestWithParam<Case> {};

TEST_P(ValidateCaseTest, Verdict) {
  const Case& c = GetParam();
  json::value statement = Apply(c.edits);
  if (c.versions & k103) {
    SCOPED_TRACE("version 1.0.3");
    ExpectVerdict(statement, Version::k103, c.error);
  }
  if (c.versions & k200) {
    SCOPED_TRACE("version 2.0.0");
    ExpectVerdict(statement, Version::k200, c.error);
  }
}

std::string CaseName(const testing::TestParamInfo<Case>& info) { return info.param.name; }

// --- statement level --------------------------------------------------------

const Case kStatementCases[] = {
    {"MinimalStatement", {}, nullptr},
    {"UnknownProperty", {{"Actor", R"({"mbox": "mailto:a@b.c"})"}}, "statement.Actor"},
    {"ActorRequired", {{"actor", nullptr}}, "statement.actor"},
    {"VerbRequired", {{"verb", nullptr}}, "statement.verb"},
    {"ObjectRequired", {{"object", nullptr}}, "statement.object"},
    {"NullActor", {{"actor", "null"}}, "statement.actor"},
    {"NullTimestamp", {{"timestamp", "null"}}, "statement.timestamp"},
    {"IdUuid", {{"id", R"("ccfa01b2-4270-4e7e-9158-3d27bebc74f2")"}}, nullptr},
    {"IdUuidUpperCase", {{"id", R"("CCFA01B2-4270-4E7E-9158-3D27BEBC74F2")"}}, nullptr},
    {"IdTooManyDigits", {{"id", R"("AA97B177-9383-4934-8543-0F91A7A028368")"}}, "statement.id"},
    {"IdNotHex", {{"id", R"("MA97B177-9383-4934-8543-0F91A7A02836")"}}, "statement.id"},
    {"IdNumber", {{"id", "12345"}}, "statement.id"},
    {"TimestampUtc", {{"timestamp", R"("2024-01-02T03:04:05.678Z")"}}, nullptr},
    {"TimestampOffset", {{"timestamp", R"("2023-05-04T12:00:00-05:00")"}}, nullptr},
    {"TimestampPlusZero", {{"timestamp", R"("2008-09-15T15:53:00.601+00:00")"}}, nullptr},
    {"TimestampMinusZero",
     {{"timestamp", R"("2008-09-15T15:53:00.601-00:00")"}},
     "statement.timestamp"},
    {"TimestampMinusZeroBasic",
     {{"timestamp", R"("2008-09-15T15:53:00.601-0000")"}},
     "statement.timestamp"},
    {"TimestampGarbage", {{"timestamp", R"("01/011/2015")"}}, "statement.timestamp"},
    {"TimestampNumber", {{"timestamp", "1700000000"}}, "statement.timestamp"},
    {"TimestampNoOffset103", {{"timestamp", R"("2024-01-02T03:04:05")"}}, nullptr, k103},
    {"TimestampNoOffset200",
     {{"timestamp", R"("2024-01-02T03:04:05")"}},
     "statement.timestamp",
     k200},
    {"TimestampBasic103", {{"timestamp", R"("20240102T030405Z")"}}, nullptr, k103},
    {"TimestampBasic200", {{"timestamp", R"("20240102T030405Z")"}}, "statement.timestamp", k200},
    {"StoredValid", {{"stored", R"("2024-01-02T03:04:05.678Z")"}}, nullptr},
    {"StoredInvalid", {{"stored", R"("yesterday")"}}, "statement.stored"},
    {"Version100", {{"version", R"("1.0.0")"}}, nullptr},
    {"Version10", {{"version", R"("1.0")"}}, nullptr},
    {"Version109", {{"version", R"("1.0.9")"}}, nullptr},
    {"Version200At103", {{"version", R"("2.0.0")"}}, "statement.version", k103},
    {"Version200At200", {{"version", R"("2.0.0")"}}, nullptr, k200},
    {"Version20At200", {{"version", R"("2.0")"}}, nullptr, k200},
    {"Version110", {{"version", R"("1.1.0")"}}, "statement.version"},
    {"Version099", {{"version", R"("0.9.9")"}}, "statement.version"},
    {"VersionTrailingDot", {{"version", R"("1.0.")"}}, "statement.version"},
    {"VersionNumber", {{"version", "1.0"}}, "statement.version"},
    {"AuthorityAgent",
     {{"authority", R"({"objectType": "Agent", "mbox": "mailto:a@b.c"})"}},
     nullptr},
    {"AuthorityAgentWithoutIfi",
     {{"authority", R"({"objectType": "Agent"})"}},
     "statement.authority"},
    {"AuthorityOAuthGroup", {{"authority", kOAuth}}, nullptr},
    {"AuthorityIdentifiedGroup",
     {{"authority", kOAuth}, {"authority.mbox", R"("mailto:g@b.c")"}},
     "statement.authority"},
    {"AuthorityGroupOneMember",
     {{"authority", R"({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]})"}},
     "statement.authority.member"},
    {"AuthorityGroupThreeMembers",
     {{"authority", kOAuth},
      {"authority.member", R"([{"account": {"homePage": "http://e.com/t", "name": "c"}},
         {"mbox": "mailto:a@b.c"}, {"mbox": "mailto:d@b.c"}])"}},
     "statement.authority.member"},
    {"AuthorityGroupWithoutConsumer",
     {{"authority",
       R"({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}, {"mbox": "mailto:d@b.c"}]})"}},
     "statement.authority.member"},
};
INSTANTIATE_TEST_SUITE_P(Statement, ValidateCaseTest, testing::ValuesIn(kStatementCases), CaseName);

// --- actors -----------------------------------------------------------------

const Case kActorCases[] = {
    {"AgentWithoutObjectType", {{"actor.objectType", nullptr}}, nullptr},
    {"AgentObjectTypeLowerCase",
     {{"actor.objectType", R"("agent")"}},
     "statement.actor.objectType"},
    {"AgentObjectTypeActivity",
     {{"actor.objectType", R"("Activity")"}},
     "statement.actor.objectType"},
    {"AgentObjectTypeEmpty", {{"actor.objectType", R"("")"}}, "statement.actor.objectType"},
    {"GroupMemberExplicitAgent",
     {{"actor", kGroup}, {"actor.member", R"([{"objectType": "Agent", "mbox": "mailto:a@b.c"}])"}},
     nullptr},
    {"AgentObjectTypeNumber", {{"actor.objectType", "1"}}, "statement.actor.objectType"},
    {"AgentNameNumber", {{"actor.name", "12345"}}, "statement.actor.name"},
    {"AgentUnknownProperty", {{"actor.member", "[]"}}, "statement.actor.member"},
    {"AgentNoIfi", {{"actor.mbox", nullptr}}, "statement.actor"},
    {"AgentTwoIfis", {{"actor.openid", R"("http://openid.example.org/1")"}}, "statement.actor"},
    {"MboxNotMailto", {{"actor.mbox", R"("http://should.fail.com")"}}, "statement.actor.mbox"},
    {"MboxNoAddress", {{"actor.mbox", R"("mailto:should.fail.com")"}}, "statement.actor.mbox"},
    {"MboxNumber", {{"actor.mbox", "5"}}, "statement.actor.mbox"},
    {"Sha1sum",
     {{"actor.mbox", nullptr},
      {"actor.mbox_sha1sum", R"("cd9b00a5611f94eaa7b1661edab976068e364975")"}},
     nullptr},
    {"Sha1sumShort",
     {{"actor.mbox", nullptr},
      {"actor.mbox_sha1sum", R"("cd9b00a5611f94eaa7b1661edab976068e36497")"}},
     "statement.actor.mbox_sha1sum"},
    {"Sha1sumObject",
     {{"actor.mbox", nullptr}, {"actor.mbox_sha1sum", R"({"k": "v"})"}},
     "statement.actor.mbox_sha1sum"},
    {"OpenId",
     {{"actor.mbox", nullptr}, {"actor.openid", R"("http://openid.example.org/1")"}},
     nullptr},
    {"OpenIdNotIri",
     {{"actor.mbox", nullptr}, {"actor.openid", R"("ab=c://should.fail.com")"}},
     "statement.actor.openid"},
    {"Account",
     {{"actor.mbox", nullptr}, {"actor.account", R"({"homePage": "http://e.com", "name": "a1"})"}},
     nullptr},
    {"AccountNoHomePage",
     {{"actor.mbox", nullptr}, {"actor.account", R"({"name": "a1"})"}},
     "statement.actor.account.homePage"},
    {"AccountNoName",
     {{"actor.mbox", nullptr}, {"actor.account", R"({"homePage": "http://e.com"})"}},
     "statement.actor.account.name"},
    {"AccountNameNumber",
     {{"actor.mbox", nullptr}, {"actor.account", R"({"homePage": "http://e.com", "name": 1})"}},
     "statement.actor.account.name"},
    {"AccountHomePageNotIri",
     {{"actor.mbox", nullptr}, {"actor.account", R"({"homePage": "e.com/u", "name": "a1"})"}},
     "statement.actor.account.homePage"},
    {"AccountUnknownProperty",
     {{"actor.mbox", nullptr},
      {"actor.account", R"({"homePage": "http://e.com", "name": "a1", "x": 1})"}},
     "statement.actor.account.x"},
    {"IdentifiedGroup", {{"actor", kGroup}}, nullptr},
    {"IdentifiedGroupWithoutMembers", {{"actor", kGroup}, {"actor.member", nullptr}}, nullptr},
    {"AnonymousGroup", {{"actor", kGroup}, {"actor.mbox", nullptr}}, nullptr},
    {"AnonymousGroupWithoutMember",
     {{"actor", kGroup}, {"actor.mbox", nullptr}, {"actor.member", nullptr}},
     "statement.actor.member"},
    {"AnonymousGroupEmptyMember",
     {{"actor", kGroup}, {"actor.mbox", nullptr}, {"actor.member", "[]"}},
     "statement.actor.member"},
    {"GroupMemberNotArray",
     {{"actor", kGroup}, {"actor.member", R"({"mbox": "mailto:a@b.c"})"}},
     "statement.actor.member"},
    {"GroupMemberIsGroup",
     {{"actor", kGroup}, {"actor.member", kGroupMember}},
     "statement.actor.member[0].objectType"},
    {"GroupMemberInvalidAgent",
     {{"actor", kGroup}, {"actor.member", R"([{"mbox": "bob"}])"}},
     "statement.actor.member[0].mbox"},
    {"GroupTwoIfis",
     {{"actor", kGroup}, {"actor.openid", R"("http://openid.example.org/1")"}},
     "statement.actor"},
    {"GroupObjectTypeLowerCase",
     {{"actor", kGroup}, {"actor.objectType", R"("group")"}},
     "statement.actor.objectType"},
};
INSTANTIATE_TEST_SUITE_P(Actor, ValidateCaseTest, testing::ValuesIn(kActorCases), CaseName);

// --- verb -------------------------------------------------------------------

const Case kVerbCases[] = {
    {"VerbWithoutDisplay", {{"verb.display", nullptr}}, nullptr},
    {"VerbMissingId", {{"verb.id", nullptr}}, "statement.verb.id"},
    {"VerbIdNotIri", {{"verb.id", R"("attempted")"}}, "statement.verb.id"},
    {"VerbNotObject", {{"verb", R"("attempted")"}}, "statement.verb"},
    {"VerbUnknownProperty", {{"verb.name", R"("x")"}}, "statement.verb.name"},
    {"DisplayString", {{"verb.display", R"("attempted")"}}, "statement.verb.display"},
    {"DisplayBadTag",
     {{"verb.display", R"({"something": "x"})"}},
     "statement.verb.display.something"},
    {"DisplayValueNumber", {{"verb.display", R"({"en-US": 1})"}}, "statement.verb.display.en-US"},
    {"DisplayManyTags",
     {{"verb.display", R"({"de": "a", "zh-Hant": "b", "sr-Latn-RS": "c"})"}},
     nullptr},
};
INSTANTIATE_TEST_SUITE_P(Verb, ValidateCaseTest, testing::ValuesIn(kVerbCases), CaseName);

// --- objects ----------------------------------------------------------------

const Case kObjectCases[] = {
    {"ActivityWithoutObjectType", {{"object.objectType", nullptr}}, nullptr},
    {"ActivityObjectTypeLowerCase",
     {{"object.objectType", R"("activity")"}},
     "statement.object.objectType"},
    {"ObjectTypeUnknown", {{"object.objectType", R"("Thing")"}}, "statement.object.objectType"},
    {"ObjectNotObject", {{"object", R"("http://example.org/a")"}}, "statement.object"},
    {"ActivityMissingId", {{"object.id", nullptr}}, "statement.object.id"},
    {"ActivityIdNotIri", {{"object.id", R"("www.example.com/a")"}}, "statement.object.id"},
    {"ActivityIdUnicodeIri", {{"object.id", R"("http://例え.jp/パス")"}}, nullptr},
    {"ActivityUnknownProperty", {{"object.name", R"("x")"}}, "statement.object.name"},
    {"DefinitionEmpty", {{"object.definition", "{}"}}, nullptr},
    {"DefinitionNotObject", {{"object.definition", R"("x")"}}, "statement.object.definition"},
    {"DefinitionUnknownProperty",
     {{"object.definition.foo", "1"}},
     "statement.object.definition.foo"},
    {"DefinitionNameString",
     {{"object.definition.name", R"("Quiz")"}},
     "statement.object.definition.name"},
    {"DefinitionDescription", {{"object.definition.description", R"({"zh-Hant": "x"})"}}, nullptr},
    {"DefinitionDescriptionNumber",
     {{"object.definition.description", "1"}},
     "statement.object.definition.description"},
    {"DefinitionType",
     {{"object.definition.type", R"("http://adlnet.gov/expapi/activities/x")"}},
     nullptr},
    {"DefinitionTypeNotIri",
     {{"object.definition.type", R"("adlnet.gov/x")"}},
     "statement.object.definition.type"},
    {"DefinitionMoreInfoNotIri",
     {{"object.definition.moreInfo", R"("example.com/x")"}},
     "statement.object.definition.moreInfo"},
    {"DefinitionExtensions",
     {{"object.definition.extensions", R"({"http://e.com/x": null, "http://e.com/y": ""})"}},
     nullptr},
    {"DefinitionExtensionKeyNotIri",
     {{"object.definition.extensions", R"({"e.com/x": 1})"}},
     "statement.object.definition.extensions.e.com/x"},
    {"DefinitionExtensionsString",
     {{"object.definition.extensions", R"("x")"}},
     "statement.object.definition.extensions"},
    {"InteractionChoice",
     {{"object.definition.interactionType", R"("choice")"},
      {"object.definition.correctResponsesPattern", R"(["a[,]b"])"},
      {"object.definition.choices", R"([{"id": "a", "description": {"en": "A"}}, {"id": "b"}])"}},
     nullptr},
    {"InteractionTypeWrongCase",
     {{"object.definition.interactionType", R"("Choice")"}},
     "statement.object.definition.interactionType"},
    {"InteractionTypeNumber",
     {{"object.definition.interactionType", "1"}},
     "statement.object.definition.interactionType"},
    {"PatternWithoutInteractionType",
     {{"object.definition.correctResponsesPattern", R"(["a"])"}},
     "statement.object.definition.correctResponsesPattern"},
    {"ChoicesWithoutInteractionType",
     {{"object.definition.choices", R"([{"id": "a"}])"}},
     "statement.object.definition.choices"},
    {"PatternNotArray",
     {{"object.definition.interactionType", R"("other")"},
      {"object.definition.correctResponsesPattern", R"("a")"}},
     "statement.object.definition.correctResponsesPattern"},
    {"PatternElementNumber",
     {{"object.definition.interactionType", R"("numeric")"},
      {"object.definition.correctResponsesPattern", "[4]"}},
     "statement.object.definition.correctResponsesPattern[0]"},
    {"ComponentMissingId",
     {{"object.definition.interactionType", R"("likert")"},
      {"object.definition.scale", R"([{"description": {"en": "x"}}])"}},
     "statement.object.definition.scale[0].id"},
    {"ComponentDuplicateId",
     {{"object.definition.interactionType", R"("sequencing")"},
      {"object.definition.choices", R"([{"id": "a"}, {"id": "a"}])"}},
     "statement.object.definition.choices[1].id"},
    {"ComponentBadDescription",
     {{"object.definition.interactionType", R"("matching")"},
      {"object.definition.source", R"([{"id": "a", "description": {"a12345678": "x"}}])"}},
     "statement.object.definition.source[0].description.a12345678"},
    {"ComponentUnknownProperty",
     {{"object.definition.interactionType", R"("performance")"},
      {"object.definition.steps", R"([{"id": "a", "name": "x"}])"}},
     "statement.object.definition.steps[0].name"},
    {"AgentObject", {{"object", kAgentObject}}, nullptr},
    {"GroupObject", {{"object", kGroup}}, nullptr},
    {"AgentObjectWithoutObjectType",
     {{"object", kAgentObject}, {"object.objectType", nullptr}},
     "statement.object.objectType"},
    {"GroupObjectWithoutObjectType",
     {{"object", kGroup}, {"object.objectType", nullptr}},
     "statement.object.objectType"},
    {"StatementRef", {{"object", kRef}}, nullptr},
    {"StatementRefMissingId", {{"object", kRef}, {"object.id", nullptr}}, "statement.object.id"},
    {"StatementRefBadId",
     {{"object", kRef}, {"object.id", R"("should fail")"}},
     "statement.object.id"},
    {"StatementRefLowerCase",
     {{"object", kRef}, {"object.objectType", R"("statementref")"}},
     "statement.object.objectType"},
    {"StatementRefUnknownProperty",
     {{"object", kRef}, {"object.definition", "{}"}},
     "statement.object.definition"},
    {"SubStatement", {{"object", kSub}}, nullptr},
    {"SubStatementWithRefAndContext",
     {{"object", kSub},
      {"object.object", kRef},
      {"object.context.registration", R"("ec531277-b57b-4c15-8d91-d292c5b2b8f7")"}},
     nullptr},
    {"SubStatementNested",
     {{"object", kSub}, {"object.object", kSub}},
     "statement.object.object.objectType"},
    {"SubStatementWithId",
     {{"object", kSub}, {"object.id", R"("ccfa01b2-4270-4e7e-9158-3d27bebc74f2")"}},
     "statement.object.id"},
    {"SubStatementWithStored",
     {{"object", kSub}, {"object.stored", R"("2024-01-02T03:04:05Z")"}},
     "statement.object.stored"},
    {"SubStatementWithVersion",
     {{"object", kSub}, {"object.version", R"("1.0.0")"}},
     "statement.object.version"},
    {"SubStatementWithAuthority",
     {{"object", kSub}, {"object.authority", kAgentObject}},
     "statement.object.authority"},
    {"SubStatementMissingActor",
     {{"object", kSub}, {"object.actor", nullptr}},
     "statement.object.actor"},
    {"SubStatementMissingVerb",
     {{"object", kSub}, {"object.verb", nullptr}},
     "statement.object.verb"},
    {"SubStatementFutureTimestamp",
     {{"object", kSub}, {"object.timestamp", R"("2999-01-01T00:00:00Z")"}},
     nullptr},
    {"SubStatementBadTimestamp",
     {{"object", kSub}, {"object.timestamp", R"("2008-09-15T15:53:00-00")"}},
     "statement.object.timestamp"},
    {"SubStatementRevisionWithAgent",
     {{"object", kSub}, {"object.object", kAgentObject}, {"object.context.revision", R"("r1")"}},
     "statement.object.context.revision"},
    {"VoidingWithStatementRef", {{"verb", kVoided}, {"object", kRef}}, nullptr},
    {"VoidingWithActivity", {{"verb", kVoided}}, "statement.object"},
    {"VoidedVerbInsideSubStatement", {{"object", kSub}, {"object.verb", kVoided}}, nullptr},
};
INSTANTIATE_TEST_SUITE_P(Object, ValidateCaseTest, testing::ValuesIn(kObjectCases), CaseName);

// --- result -----------------------------------------------------------------

const Case kResultCases[] = {
    {"ResultFull",
     {{"result", R"({"score": {"scaled": 0.95, "raw": 95.5, "min": 0.5, "max": 100.6767},
        "success": true, "completion": false, "response": "yes", "duration": "PT1H0M0.12567S",
        "extensions": {"http://e.com/r": {"a": 1}}})"}},
     nullptr},
    {"ResultNotObject", {{"result", "[]"}}, "statement.result"},
    {"ResultUnknownProperty", {{"result.grade", R"("A")"}}, "statement.result.grade"},
    {"SuccessString", {{"result.success", R"("true")"}}, "statement.result.success"},
    {"CompletionObject", {{"result.completion", "{}"}}, "statement.result.completion"},
    {"ResponseNumber", {{"result.response", "1"}}, "statement.result.response"},
    {"DurationWeeks", {{"result.duration", R"("P4W")"}}, nullptr},
    {"DurationWeeksAndDays", {{"result.duration", R"("P4W1D")"}}, "statement.result.duration"},
    {"DurationBadDesignator", {{"result.duration", R"("PA1H0M0S")"}}, "statement.result.duration"},
    {"DurationNumber", {{"result.duration", "12345"}}, "statement.result.duration"},
    {"ResultExtensionsString", {{"result.extensions", R"("x")"}}, "statement.result.extensions"},
    {"ResultExtensionKeyNotIri",
     {{"result.extensions", R"({"x/y": 1})"}},
     "statement.result.extensions.x/y"},
    {"ScoreNotObject", {{"result.score", "95"}}, "statement.result.score"},
    {"ScoreUnknownProperty", {{"result.score.percent", "95"}}, "statement.result.score.percent"},
    {"ScoreMaxString", {{"result.score.max", R"("one hundred")"}}, "statement.result.score.max"},
    {"ScoreRawNumericString", {{"result.score.raw", R"("95")"}}, "statement.result.score.raw"},
    {"ScaledBounds", {{"result.score.scaled", "-1"}}, nullptr},
    {"ScaledOne", {{"result.score.scaled", "1.0"}}, nullptr},
    {"ScaledTooHigh", {{"result.score.scaled", "1.01"}}, "statement.result.score.scaled"},
    {"ScaledTooLow", {{"result.score.scaled", "-1.5"}}, "statement.result.score.scaled"},
    {"RawAboveMax",
     {{"result.score", R"({"raw": 101, "max": 100})"}},
     "statement.result.score.raw"},
    {"RawBelowMin", {{"result.score", R"({"raw": -1, "min": 0})"}}, "statement.result.score.raw"},
    {"MinAboveMax",
     {{"result.score", R"({"min": 104.67, "max": 100.67})"}},
     "statement.result.score.min"},
};
INSTANTIATE_TEST_SUITE_P(Result, ValidateCaseTest, testing::ValuesIn(kResultCases), CaseName);

// --- context ----------------------------------------------------------------

constexpr const char* kContextAgents = R"([{"objectType": "contextAgent",
  "agent": {"objectType": "Agent", "mbox": "mailto:p1@example.com"},
  "relevantTypes": ["https://example.com/types/player"]}])";
constexpr const char* kContextGroups = R"([{"objectType": "contextGroup",
  "group": {"objectType": "Group", "mbox": "mailto:t1@example.com",
            "member": [{"mbox": "mailto:p1@example.com"}]},
  "relevantTypes": ["https://example.com/types/team"]}])";

const Case kContextCases[] = {
    {"ContextNotObject", {{"context", R"("x")"}}, "statement.context"},
    {"ContextUnknownProperty", {{"context.conText", "{}"}}, "statement.context.conText"},
    {"Registration",
     {{"context.registration", R"("ec531277-b57b-4c15-8d91-d292c5b2b8f7")"}},
     nullptr},
    {"RegistrationNotUuid",
     {{"context.registration", R"("ec531277")"}},
     "statement.context.registration"},
    {"InstructorAgent", {{"context.instructor", kAgentObject}}, nullptr},
    {"InstructorGroup", {{"context.instructor", kGroup}}, nullptr},
    {"InstructorWithoutIfi",
     {{"context.instructor", R"({"name": "x"})"}},
     "statement.context.instructor"},
    {"InstructorString", {{"context.instructor", R"("x")"}}, "statement.context.instructor"},
    {"TeamGroup", {{"context.team", kGroup}}, nullptr},
    {"TeamAgent", {{"context.team", kAgentObject}}, "statement.context.team.objectType"},
    {"ContextActivitiesSingle",
     {{"context.contextActivities.parent", R"({"id": "http://e.com/p"})"}},
     nullptr},
    {"ContextActivitiesAllKeys",
     {{"context.contextActivities",
       R"({"parent": [{"id": "http://e.com/p"}], "grouping": [{"id": "http://e.com/g"}],
           "category": [{"objectType": "Activity", "id": "http://e.com/c"}], "other": []})"}},
     nullptr},
    {"ContextActivitiesUnknownKey",
     {{"context.contextActivities.consequences", R"({"id": "http://e.com/p"})"}},
     "statement.context.contextActivities.consequences"},
    {"ContextActivitiesString",
     {{"context.contextActivities", R"("x")"}},
     "statement.context.contextActivities"},
    {"ContextActivitiesBadElement",
     {{"context.contextActivities.other", R"([{"id": "http://e.com/o"}, {"key": "fail"}])"}},
     "statement.context.contextActivities.other[1]"},
    {"ContextActivitiesIdNotIri",
     {{"context.contextActivities.parent", R"([{"id": "p"}])"}},
     "statement.context.contextActivities.parent[0].id"},
    {"RevisionPlatformWithActivity",
     {{"context.revision", R"("r1")"}, {"context.platform", R"("web")"}},
     nullptr},
    {"RevisionWithoutObjectType",
     {{"object.objectType", nullptr}, {"context.revision", R"("r1")"}},
     nullptr},
    {"RevisionNumber", {{"context.revision", "1"}}, "statement.context.revision"},
    {"RevisionWithAgentObject",
     {{"object", kAgentObject}, {"context.revision", R"("r1")"}},
     "statement.context.revision"},
    {"PlatformWithStatementRef",
     {{"object", kRef}, {"context.platform", R"("web")"}},
     "statement.context.platform"},
    {"PlatformWithGroupObject",
     {{"object", kGroup}, {"context.platform", R"("web")"}},
     "statement.context.platform"},
    {"Language", {{"context.language", R"("cmn")"}}, nullptr},
    {"LanguageInvalid", {{"context.language", R"("something")"}}, "statement.context.language"},
    {"LanguageObject", {{"context.language", "{}"}}, "statement.context.language"},
    {"ContextStatement", {{"context.statement", kRef}}, nullptr},
    {"ContextStatementBadId",
     {{"context.statement", kRef},
      {"context.statement.id", R"("AA97B177-9383-4934-8543-0F91A7A028368")"}},
     "statement.context.statement.id"},
    {"ContextStatementWithoutObjectType",
     {{"context.statement", R"({"id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"})"}},
     "statement.context.statement.objectType"},
    {"ContextExtensions", {{"context.extensions", R"({"http://e.com/c": null})"}}, nullptr},
    {"ContextExtensionKeyNotIri",
     {{"context.extensions", R"({"e": 1})"}},
     "statement.context.extensions.e"},
    {"ContextAgentsAt103",
     {{"context.contextAgents", kContextAgents}},
     "statement.context.contextAgents",
     k103},
    {"ContextAgentsAt200", {{"context.contextAgents", kContextAgents}}, nullptr, k200},
    {"ContextAgentsWithoutRelevantTypes",
     {{"context.contextAgents",
       R"([{"objectType": "contextAgent", "agent": {"mbox": "mailto:p@e.com"}}])"}},
     nullptr,
     k200},
    {"ContextAgentsNotArray",
     {{"context.contextAgents", "{}"}},
     "statement.context.contextAgents",
     k200},
    {"ContextAgentObjectType",
     {{"context.contextAgents",
       R"([{"objectType": "Should fail", "agent": {"mbox": "mailto:p@e.com"}}])"}},
     "statement.context.contextAgents[0].objectType",
     k200},
    {"ContextAgentMissingObjectType",
     {{"context.contextAgents", R"([{"agent": {"mbox": "mailto:p@e.com"}}])"}},
     "statement.context.contextAgents[0].objectType",
     k200},
    {"ContextAgentMissingAgent",
     {{"context.contextAgents", R"([{"objectType": "contextAgent"}])"}},
     "statement.context.contextAgents[0].agent",
     k200},
    {"ContextAgentInvalidAgent",
     {{"context.contextAgents", R"([{"objectType": "contextAgent", "agent": {"key": "x"}}])"}},
     "statement.context.contextAgents[0].agent",
     k200},
    {"ContextAgentIsGroup",
     {{"context.contextAgents",
       R"([{"objectType": "contextAgent", "agent": {"objectType": "Group",
          "member": [{"mbox": "mailto:p@e.com"}]}}])"}},
     "statement.context.contextAgents[0].agent.objectType",
     k200},
    {"ContextAgentEmptyRelevantTypes",
     {{"context.contextAgents",
       R"([{"objectType": "contextAgent", "agent": {"mbox": "mailto:p@e.com"}, "relevantTypes": []}])"}},
     "statement.context.contextAgents[0].relevantTypes",
     k200},
    {"ContextAgentRelevantTypeNotIri",
     {{"context.contextAgents",
       R"([{"objectType": "contextAgent", "agent": {"mbox": "mailto:p@e.com"}, "relevantTypes": ["abc"]}])"}},
     "statement.context.contextAgents[0].relevantTypes[0]",
     k200},
    {"ContextGroupsAt103",
     {{"context.contextGroups", kContextGroups}},
     "statement.context.contextGroups",
     k103},
    {"ContextGroupsAt200", {{"context.contextGroups", kContextGroups}}, nullptr, k200},
    {"ContextGroupObjectType",
     {{"context.contextGroups", R"([{"objectType": "contextAgent", "group": {"objectType": "Group",
        "mbox": "mailto:t@e.com"}}])"}},
     "statement.context.contextGroups[0].objectType",
     k200},
    {"ContextGroupIsAgent",
     {{"context.contextGroups",
       R"([{"objectType": "contextGroup", "group": {"mbox": "mailto:t@e.com"}}])"}},
     "statement.context.contextGroups[0].group.objectType",
     k200},
    {"ContextGroupUnknownProperty",
     {{"context.contextGroups", R"([{"objectType": "contextGroup", "group": {"objectType": "Group",
        "mbox": "mailto:t@e.com"}, "member": []}])"}},
     "statement.context.contextGroups[0].member",
     k200},
    {"ContextGroupEmptyRelevantTypes",
     {{"context.contextGroups", R"([{"objectType": "contextGroup", "group": {"objectType": "Group",
        "mbox": "mailto:t@e.com"}, "relevantTypes": []}])"}},
     "statement.context.contextGroups[0].relevantTypes",
     k200},
};
INSTANTIATE_TEST_SUITE_P(Context, ValidateCaseTest, testing::ValuesIn(kContextCases), CaseName);

// --- attachments ------------------------------------------------------------

const Case kAttachmentCases[] = {
    {"Attachment", {{"attachments", kAttachment}}, nullptr},
    {"AttachmentsEmpty", {{"attachments", "[]"}}, nullptr},
    {"AttachmentsNotArray",
     {{"attachments", R"({"usageType": "http://e.com/u"})"}},
     "statement.attachments"},
    {"AttachmentNumber", {{"attachments", "[12345]"}}, "statement.attachments[0]"},
};
INSTANTIATE_TEST_SUITE_P(Attachments, ValidateCaseTest, testing::ValuesIn(kAttachmentCases),
                         CaseName);

// Attachment properties, one at a time, on the valid attachment above.
struct AttachmentEdit {
  const char* key;
  const char* json;  // nullptr: remove the property
  bool ok;
};

TEST(ValidateAttachmentTest, EachProperty) {
  const AttachmentEdit edits[] = {
      {"usageType", nullptr, false},
      {"usageType", R"("should fail")", false},
      {"display", nullptr, false},
      {"display", R"("x")", false},
      {"display", R"({"something": "x"})", false},
      {"description", nullptr, true},
      {"description", R"({"es-MX": "x"})", true},
      {"description", R"({"es-MX-": "x"})", false},
      {"contentType", nullptr, false},
      {"contentType", "12345", false},
      {"contentType", R"("plain")", false},
      {"contentType", R"("application/octet-stream")", true},
      {"length", nullptr, false},
      {"length", R"("27")", false},
      {"length", "-1", false},
      {"length", "1.5", false},
      {"length", "0", true},
      {"sha2", nullptr, false},
      {"sha2", "12345", false},
      {"sha2", R"("495395e777")", false},
      {"sha2", R"("zz5395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a")", false},
      {"fileUrl", nullptr, true},
      {"fileUrl", R"("should fail")", false},
      {"extra", "1", false},
  };
  for (const auto& e : edits) {
    json::value s = Apply({{"attachments", kAttachment}});
    json::object& a = s.at("attachments").as_array()[0].as_object();
    if (e.json) {
      a[e.key] = json::parse(e.json);
    } else {
      a.erase(e.key);
    }
    SCOPED_TRACE(std::string(e.key) + " = " + (e.json ? e.json : "(absent)"));
    ExpectVerdict(s, Version::k200,
                  e.ok ? nullptr : ("statement.attachments[0]." + std::string(e.key)).c_str());
  }
}

// --- the statement must be an object ----------------------------------------

TEST(ValidateStatementTest, RejectsNonObject) {
  for (const char* text : {"[]", "null", "\"statement\"", "1"}) {
    ExpectVerdict(json::parse(text), Version::k103, "statement");
  }
}

// --- the public predicates --------------------------------------------------

TEST(IsIriTest, AcceptsAbsoluteIris) {
  for (const char* s :
       {"http://example.com", "https://e.com/a?b=c#d", "urn:uuid:6690e6c9", "mailto:a@b.c",
        "http://例え.jp/パス", "tag:e.com,2024:x", "http://e.com/%20"}) {
    EXPECT_TRUE(IsIri(s)) << s;
  }
}

TEST(IsIriTest, RejectsRelativeOrMalformed) {
  for (const char* s : {"", "example.com/x", "ab=c://should.fail.com", ":x", "http:", "1http://x",
                        "http://a b", "http://e.com/%zz", "http://e.com/<x>", "should fail"}) {
    EXPECT_FALSE(IsIri(s)) << s;
  }
}

TEST(IsIsoDurationTest, AcceptsDesignatorFormat) {
  for (const char* s : {"PT1H0M0S", "P3Y1M29DT4H35M59.14S", "P4W", "PT0.12567S", "P1D", "PT1M",
                        "P1Y", "PT1,5S", "P0D"}) {
    EXPECT_TRUE(IsIsoDuration(s)) << s;
  }
}

TEST(IsIsoDurationTest, RejectsMalformed) {
  for (const char* s : {"", "P", "PT", "P4W1D", "PA1H0M0S", "P1DT", "PT1.5H30M", "1D", "-P1D",
                        "P1Y2Y", "PT1S2M", "P1.S", "P0003-06-04T12:30:05"}) {
    EXPECT_FALSE(IsIsoDuration(s)) << s;
  }
}

TEST(IsLanguageTagTest, AcceptsRfc5646Tags) {
  for (const char* s : {"en", "en-US", "de-DE", "zh-Hant", "sr-Latn-RS", "zh-Hans-CN", "es-419",
                        "tlh", "ase", "cmn", "de-CH-1901", "sl-rozaj-biske", "en-a-bbb-x-a-ccc",
                        "x-private", "i-klingon", "zh-min-nan", "EN-us", "zh-yue-HK"}) {
    EXPECT_TRUE(IsLanguageTag(s)) << s;
  }
}

TEST(IsLanguageTagTest, RejectsMalformedTags) {
  for (const char* s : {"", "something", "a12345678", "s-something", "en-", "en--US", "-en",
                        "zh-z-aaa-z-bbb-c-ccc", "de-1901-1901", "en-a", "x", "en_US", "e"}) {
    EXPECT_FALSE(IsLanguageTag(s)) << s;
  }
}

}  // namespace
}  // namespace lrs::xapi
