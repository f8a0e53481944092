// Tests for lrs/xapi/validate.h. Each rule has at least one statement that
// must pass and one that must fail; a failure must be InvalidArgument and its
// message must begin with the JSON path of the offending property. Cases are
// edits applied to one small valid statement, run at the versions they name.
//
// This file holds the Verdict test and the statement-level cases (ids,
// timestamps, version, authority, attachments) and the public predicates;
// the actor, object and context/result cases have files of their own.
#include <gtest/gtest.h>

#include <string>

#include "lrs/xapi/validate.h"
#include "tests/unit/xapi/validate_test_util.h"

namespace lrs::xapi::validate_test {
namespace {

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

// --- statement level --------------------------------------------------------

constexpr const char* kOAuth = R"({"objectType": "Group", "member": [
  {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "consumer"}},
  {"mbox": "mailto:bob@example.org"}]})";

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

// --- attachments ------------------------------------------------------------

constexpr const char* kAttachment = R"([{"usageType": "http://example.com/usage/test",
  "display": {"en-US": "A test"}, "description": {"en-US": "Described"},
  "contentType": "text/plain; charset=ascii", "length": 27,
  "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
  "fileUrl": "http://example.com/file.txt"}])";

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
}  // namespace lrs::xapi::validate_test
