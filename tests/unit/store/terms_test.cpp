// Tests for lrs::xapi::ExtractTerms (lrs/xapi/terms.h): which index terms a
// statement yields for each filter kind. Kept with the store tests because
// the terms exist for the store's indexes.
#include "lrs/xapi/terms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <string>

namespace lrs::xapi {
namespace {

namespace json = boost::json;

constexpr std::string_view kAda = "mbox:mailto:ada@example.org";
constexpr std::string_view kBob = "mbox:mailto:bob@example.org";
constexpr std::string_view kCarol = "mbox:mailto:carol@example.org";
constexpr std::string_view kTeam = "mbox:mailto:team@example.org";
constexpr std::string_view kAuth = "account:https://lrs.example.org|tester";

std::vector<Term> Extract(std::string_view text) { return ExtractTerms(json::parse(text)); }

bool Has(const std::vector<Term>& terms, TermKind kind, std::string_view value) {
  return std::find(terms.begin(), terms.end(), Term{kind, std::string(value)}) != terms.end();
}

size_t CountKind(const std::vector<Term>& terms, TermKind kind) {
  return std::count_if(terms.begin(), terms.end(), [&](const Term& t) { return t.kind == kind; });
}

TEST(ExtractTermsTest, SimpleStatement) {
  auto terms = Extract(R"({
    "actor": {"objectType": "Agent", "mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
    "object": {"objectType": "Activity", "id": "http://example.org/course"}})");
  EXPECT_TRUE(Has(terms, TermKind::kAgent, kAda));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kAda));
  EXPECT_TRUE(Has(terms, TermKind::kVerb, "http://adlnet.gov/expapi/verbs/attempted"));
  EXPECT_TRUE(Has(terms, TermKind::kActivity, "http://example.org/course"));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedActivity, "http://example.org/course"));
  EXPECT_EQ(terms.size(), 5u);
}

TEST(ExtractTermsTest, ObjectTypeDefaultsToActivity) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"}})");
  EXPECT_TRUE(Has(terms, TermKind::kActivity, "http://example.org/course"));
  EXPECT_TRUE(Has(terms, TermKind::kAgent, kAda));
}

TEST(ExtractTermsTest, AgentObject) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"objectType": "Agent", "mbox": "mailto:bob@example.org"}})");
  EXPECT_TRUE(Has(terms, TermKind::kAgent, kBob));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kBob));
  EXPECT_EQ(CountKind(terms, TermKind::kActivity), 0u);
  EXPECT_EQ(CountKind(terms, TermKind::kRelatedActivity), 0u);
}

TEST(ExtractTermsTest, ContextAgentsAreRelatedOnly) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"},
    "context": {
      "instructor": {"mbox": "mailto:carol@example.org"},
      "team": {"objectType": "Group", "mbox": "mailto:team@example.org",
               "member": [{"mbox": "mailto:bob@example.org"}]}}})");
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kCarol));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kCarol));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kTeam));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kTeam));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kBob));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kBob));
  EXPECT_EQ(CountKind(terms, TermKind::kAgent), 1u);
}

TEST(ExtractTermsTest, AuthorityIsRelatedOnly) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"},
    "authority": {"account": {"homePage": "https://lrs.example.org", "name": "tester"}}})");
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kAuth));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kAuth));
}

TEST(ExtractTermsTest, GroupActorMembersAreRelatedOnly) {
  auto terms = Extract(R"({
    "actor": {"objectType": "Group", "mbox": "mailto:team@example.org",
              "member": [{"mbox": "mailto:ada@example.org"}, {"mbox": "mailto:bob@example.org"}]},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"}})");
  EXPECT_TRUE(Has(terms, TermKind::kAgent, kTeam));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kTeam));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kAda));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kBob));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kAda));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kBob));
}

TEST(ExtractTermsTest, AnonymousGroupActorHasNoAgentTerm) {
  auto terms = Extract(R"({
    "actor": {"objectType": "Group", "member": [{"mbox": "mailto:ada@example.org"}]},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"}})");
  EXPECT_EQ(CountKind(terms, TermKind::kAgent), 0u);
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kAda));
}

TEST(ExtractTermsTest, ContextActivitiesAreRelatedOnly) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/lesson"},
    "context": {"contextActivities": {
      "parent": [{"id": "http://example.org/course"}],
      "grouping": {"id": "http://example.org/program"},
      "category": [{"id": "http://example.org/cat1"}, {"id": "http://example.org/cat2"}],
      "other": []}}})");
  for (auto id : {"http://example.org/course", "http://example.org/program",
                  "http://example.org/cat1", "http://example.org/cat2"}) {
    EXPECT_TRUE(Has(terms, TermKind::kRelatedActivity, id)) << id;
    EXPECT_FALSE(Has(terms, TermKind::kActivity, id)) << id;
  }
  EXPECT_EQ(CountKind(terms, TermKind::kActivity), 1u);
  EXPECT_EQ(CountKind(terms, TermKind::kRelatedActivity), 5u);
}

TEST(ExtractTermsTest, Registration) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"},
    "context": {"registration": "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"}})");
  EXPECT_TRUE(Has(terms, TermKind::kRegistration, "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"));
  EXPECT_EQ(CountKind(terms, TermKind::kRegistration), 1u);
}

TEST(ExtractTermsTest, ContextAgentsAndGroupsOf200) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"},
    "context": {
      "contextAgents": [{"objectType": "contextAgent",
                         "agent": {"mbox": "mailto:carol@example.org"}}],
      "contextGroups": [{"objectType": "contextGroup",
                         "group": {"objectType": "Group", "mbox": "mailto:team@example.org",
                                   "member": [{"mbox": "mailto:bob@example.org"}]}}]}})");
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kCarol));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kTeam));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kBob));
  EXPECT_EQ(CountKind(terms, TermKind::kAgent), 1u);
}

TEST(ExtractTermsTest, SubStatementCountsOnlyForRelatedFilters) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/verbs/planned"},
    "object": {
      "objectType": "SubStatement",
      "actor": {"mbox": "mailto:bob@example.org"},
      "verb": {"id": "http://example.org/verbs/attend"},
      "object": {"objectType": "Activity", "id": "http://example.org/meeting"},
      "context": {
        "registration": "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10",
        "instructor": {"mbox": "mailto:carol@example.org"},
        "contextActivities": {"parent": {"id": "http://example.org/course"}}}}})");
  EXPECT_TRUE(Has(terms, TermKind::kVerb, "http://example.org/verbs/planned"));
  EXPECT_FALSE(Has(terms, TermKind::kVerb, "http://example.org/verbs/attend"));
  EXPECT_EQ(CountKind(terms, TermKind::kVerb), 1u);

  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kBob));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kBob));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kCarol));

  EXPECT_TRUE(Has(terms, TermKind::kRelatedActivity, "http://example.org/meeting"));
  EXPECT_FALSE(Has(terms, TermKind::kActivity, "http://example.org/meeting"));
  EXPECT_TRUE(Has(terms, TermKind::kRelatedActivity, "http://example.org/course"));
  EXPECT_EQ(CountKind(terms, TermKind::kActivity), 0u);
  // The registration filter looks only at the statement's own context.
  EXPECT_EQ(CountKind(terms, TermKind::kRegistration), 0u);
}

TEST(ExtractTermsTest, SubStatementWithAgentObject) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {
      "objectType": "SubStatement",
      "actor": {"mbox": "mailto:bob@example.org"},
      "verb": {"id": "http://example.org/verbs/mentor"},
      "object": {"objectType": "Agent", "mbox": "mailto:carol@example.org"}}})");
  EXPECT_TRUE(Has(terms, TermKind::kRelatedAgent, kCarol));
  EXPECT_FALSE(Has(terms, TermKind::kAgent, kCarol));
  EXPECT_EQ(CountKind(terms, TermKind::kAgent), 1u);  // ada
}

TEST(ExtractTermsTest, StatementRefObjectYieldsNoActivity) {
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
    "object": {"objectType": "StatementRef", "id": "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"}})");
  EXPECT_EQ(CountKind(terms, TermKind::kActivity), 0u);
  EXPECT_EQ(CountKind(terms, TermKind::kRelatedActivity), 0u);
  EXPECT_EQ(CountKind(terms, TermKind::kRegistration), 0u);
  EXPECT_TRUE(Has(terms, TermKind::kVerb, "http://adlnet.gov/expapi/verbs/voided"));
}

TEST(ExtractTermsTest, TermsAreDistinct) {
  // ada is actor, instructor and a team member; the course is object and parent.
  auto terms = Extract(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v"},
    "object": {"id": "http://example.org/course"},
    "context": {
      "instructor": {"mbox": "mailto:ada@example.org", "name": "Ada"},
      "team": {"objectType": "Group", "member": [{"mbox": "mailto:ada@example.org"}]},
      "contextActivities": {"parent": [{"id": "http://example.org/course"}],
                            "grouping": [{"id": "http://example.org/course"}]}}})");
  for (size_t i = 0; i < terms.size(); ++i) {
    for (size_t j = i + 1; j < terms.size(); ++j) {
      EXPECT_FALSE(terms[i] == terms[j]) << "duplicate term " << terms[i].value;
    }
  }
  EXPECT_EQ(terms.size(), 5u);
}

TEST(ExtractTermsTest, AgentsAreKeyedByIfiNotName) {
  auto a = Extract(R"({"actor": {"name": "Ada", "mbox": "mailto:ada@example.org"},
                       "verb": {"id": "http://example.org/v"},
                       "object": {"id": "http://example.org/course"}})");
  auto b = Extract(R"({"actor": {"name": "A. L.", "mbox": "mailto:ada@example.org"},
                       "verb": {"id": "http://example.org/v"},
                       "object": {"id": "http://example.org/course"}})");
  EXPECT_EQ(a, b);
  auto account = Extract(R"({"actor": {"account": {"homePage": "http://lms.example.org",
                                                   "name": "ada7"}},
                             "verb": {"id": "http://example.org/v"},
                             "object": {"id": "http://example.org/course"}})");
  EXPECT_TRUE(Has(account, TermKind::kAgent, "account:http://lms.example.org|ada7"));
}

// Each term used to be checked against all earlier ones: a 2.5 MB statement
// with 60,000 parent activities took over ten seconds. Now it takes well
// under one, even in a sanitizer build; the bound only catches the quadratic.
TEST(ExtractTermsTest, ManyContextActivitiesTakeLinearTime) {
  constexpr int kActivities = 60000;
  json::array parents;
  for (int i = 0; i < kActivities; ++i) {
    parents.push_back(json::object{{"id", "http://example.org/activity/" + std::to_string(i)}});
  }
  json::value statement = json::parse(R"({"actor": {"mbox": "mailto:ada@example.org"},
      "verb": {"id": "http://example.org/v"}, "object": {"id": "http://example.org/course"}})");
  statement.as_object()["context"] =
      json::object{{"contextActivities", json::object{{"parent", std::move(parents)}}}};
  auto start = std::chrono::steady_clock::now();
  auto terms = ExtractTerms(statement);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(CountKind(terms, TermKind::kRelatedActivity), size_t{kActivities + 1});
  EXPECT_EQ(terms.size(), size_t{kActivities + 5});
  EXPECT_LT(took.count(), 5.0);
}

TEST(ExtractTermsTest, NonObjectYieldsNothing) {
  EXPECT_TRUE(ExtractTerms(json::value(nullptr)).empty());
  EXPECT_TRUE(ExtractTerms(json::array{1, 2}).empty());
  EXPECT_TRUE(ExtractTerms(json::value("statement")).empty());
}

}  // namespace
}  // namespace lrs::xapi
