// ValidateStatement cases for the actor (Agent and Group, their identifiers
// and members) and the verb. See validate_test.cpp for the format.
#include <gtest/gtest.h>

#include "tests/unit/xapi/validate_test_util.h"

namespace lrs::xapi::validate_test {
namespace {

// --- actors -----------------------------------------------------------------

constexpr const char* kGroupMember = R"([{"objectType": "Group", "mbox": "mailto:t@e.org"}])";

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

}  // namespace
}  // namespace lrs::xapi::validate_test
