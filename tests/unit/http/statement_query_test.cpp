// Tests for lrs/http/statement_query.h (the GET /statements parameters and
// the `more` continuation tokens) and QueryParams::Parse (message.h).
#include "lrs/http/statement_query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/xapi/terms.h"
#include "lrs/xapi/validate.h"

namespace lrs::http {
namespace {

namespace json = boost::json;
constexpr size_t kMax = 100;

QueryParams P(std::string_view query) {
  auto p = QueryParams::Parse(query);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : QueryParams();
}

Result<ParsedStatementQuery> Parse(std::string_view query, size_t max_limit = kMax) {
  return ParseStatementQuery(P(query), max_limit);
}

void ExpectInvalid(std::string_view query, std::string_view names) {
  auto r = Parse(query);
  ASSERT_FALSE(r.ok()) << query;
  EXPECT_TRUE(r.status().Is(Status::Code::kInvalidArgument)) << query;
  EXPECT_NE(r.status().message().find(names), std::string::npos)
      << query << " -> " << r.status().message();
}

// ---- QueryParams::Parse ----------------------------------------------------

TEST(QueryParamsTest, SplitsAndDecodes) {
  auto p = QueryParams::Parse("a=1&b=hello%20world&c=x+y&d=%3D%26%25&e=%c3%a9");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->items().size(), 5u);
  EXPECT_EQ(*p->Find("a"), "1");
  EXPECT_EQ(*p->Find("b"), "hello world");
  EXPECT_EQ(*p->Find("c"), "x y");
  EXPECT_EQ(*p->Find("d"), "=&%");
  EXPECT_EQ(*p->Find("e"), "\xc3\xa9");
  EXPECT_EQ(p->Find("z"), nullptr);
}

TEST(QueryParamsTest, DecodesNames) {
  auto p = QueryParams::Parse("my%20name=v&x%2By=1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->items()[0].first, "my name");
  EXPECT_EQ(p->items()[1].first, "x+y");
}

TEST(QueryParamsTest, KeepsOrderAndDuplicates) {
  auto p = QueryParams::Parse("b=2&a=1&b=3");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->items().size(), 3u);
  EXPECT_EQ(p->items()[0], (std::pair<std::string, std::string>{"b", "2"}));
  EXPECT_EQ(p->items()[1], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(p->items()[2], (std::pair<std::string, std::string>{"b", "3"}));
  EXPECT_EQ(p->Count("b"), 2u);
  EXPECT_EQ(p->Count("a"), 1u);
  EXPECT_EQ(p->Count("c"), 0u);
  EXPECT_EQ(*p->Find("b"), "2");  // the first
}

TEST(QueryParamsTest, EmptyPiecesAndMissingValues) {
  auto p = QueryParams::Parse("&&flag&x=&=v&");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->items().size(), 3u);
  EXPECT_EQ(*p->Find("flag"), "");
  EXPECT_EQ(*p->Find("x"), "");
  EXPECT_EQ(*p->Find(""), "v");
  EXPECT_TRUE(QueryParams::Parse("")->items().empty());
}

TEST(QueryParamsTest, ValueMayContainEquals) {
  auto p = QueryParams::Parse("a=b=c");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Find("a"), "b=c");
}

TEST(QueryParamsTest, HexEscapesInEitherCase) {
  auto p = QueryParams::Parse("a=%4a%4A%7e");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Find("a"), "JJ~");
}

TEST(QueryParamsTest, EscapeAtTheVeryEnd) {
  auto p = QueryParams::Parse("a=%41");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(*p->Find("a"), "A");
  p = QueryParams::Parse("%41");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->items()[0].first, "A");
}

TEST(QueryParamsTest, MalformedEscapesAreInvalid) {
  for (std::string_view q :
       {"a=%", "a=%4", "a=%zz", "a=%4g", "%G1=1", "a=1&b=%", "a=x%2", "%=1", "a=%%41"}) {
    auto p = QueryParams::Parse(q);
    EXPECT_FALSE(p.ok()) << q;
    EXPECT_TRUE(p.status().Is(Status::Code::kInvalidArgument)) << q;
  }
}

TEST(PercentEncodeTest, RoundTripsThroughParse) {
  std::string nasty = "a b+c&d=e%f/g?h#i\xc3\xa9~._-";
  std::string encoded = PercentEncode(nasty);
  EXPECT_EQ(encoded.find_first_of(" +&=/?#"), std::string::npos) << encoded;
  EXPECT_NE(encoded.find("%2B"), std::string::npos) << encoded;
  auto p = QueryParams::Parse("k=" + encoded);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Find("k"), nasty);
}

// ---- ParseStatementQuery ---------------------------------------------------

TEST(ParseStatementQueryTest, NoParametersIsAnUnfilteredDescendingQuery) {
  auto r = Parse("");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->single, SingleLookup::kNone);
  EXPECT_TRUE(r->query.store.terms.empty());
  EXPECT_FALSE(r->query.store.ascending);
  EXPECT_EQ(r->query.store.limit, kMax);
  EXPECT_EQ(r->query.store.min_seq, 0u);
  EXPECT_EQ(r->query.store.max_seq, UINT64_MAX);
  EXPECT_FALSE(r->query.max_seq_fixed);
}

TEST(ParseStatementQueryTest, UnknownParameterIsNamed) {
  ExpectInvalid("foo=1", "foo");
  ExpectInvalid("verb=http://example.org/v&bogus_param=x", "bogus_param");
  ExpectInvalid("Verb=http://example.org/v", "Verb");  // names are case-sensitive
  ExpectInvalid("more=abc", "more");                   // must be expanded first
}

TEST(ParseStatementQueryTest, RepeatedParameterIsNamed) {
  ExpectInvalid("verb=http://example.org/a&verb=http://example.org/b", "verb");
  ExpectInvalid("limit=1&limit=1", "limit");
  ExpectInvalid(
      "statementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"
      "&statementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10",
      "statementId");
}

TEST(ParseStatementQueryTest, SingleLookups) {
  auto r = Parse("statementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->single, SingleLookup::kStatementId);
  r = Parse("voidedStatementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10&format=ids&attachments=true");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->single, SingleLookup::kVoidedStatementId);
}

TEST(ParseStatementQueryTest, StatementIdWithFiltersIsInvalid) {
  const std::string id = "statementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10";
  for (std::string extra :
       {"verb=http://example.org/v", "limit=5", "ascending=true", "since=2024-01-01T00:00:00Z",
        "agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.c%22%7D",
        "registration=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"}) {
    std::string name = extra.substr(0, extra.find('='));
    ExpectInvalid(id + "&" + extra, name);
    ExpectInvalid(extra + "&" + id, name);
  }
  ExpectInvalid("voidedStatementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10&until=2024-01-01T00:00:00Z",
                "until");
  ExpectInvalid(id + "&voidedStatementId=6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10",
                "voidedStatementId");
}

TEST(ParseStatementQueryTest, Agent) {
  auto r =
      Parse("agent=" + PercentEncode(R"({"objectType":"Agent","mbox":"mailto:ada@example.org"})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->query.store.terms.size(), 1u);
  EXPECT_EQ(r->query.store.terms[0],
            (xapi::Term{xapi::TermKind::kAgent, "mbox:mailto:ada@example.org"}));

  r = Parse("related_agents=true&agent=" +
            PercentEncode(R"({"account":{"homePage":"http://lms.example.org","name":"ada7"}})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->query.store.terms.size(), 1u);
  EXPECT_EQ(r->query.store.terms[0],
            (xapi::Term{xapi::TermKind::kRelatedAgent, "account:http://lms.example.org|ada7"}));
}

TEST(ParseStatementQueryTest, BadAgentIsNamed) {
  ExpectInvalid("agent=not-json", "agent");
  ExpectInvalid("agent=" + PercentEncode(R"({"mbox":"mailto:ada@example.org")"), "agent");
  ExpectInvalid("agent=" + PercentEncode(R"({"name":"no ifi"})"), "agent");
  ExpectInvalid("agent=" + PercentEncode(R"("mailto:ada@example.org")"), "agent");
  ExpectInvalid(
      "agent=" + PercentEncode(R"({"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]})"),
      "agent");
  ExpectInvalid("agent=", "agent");
}

TEST(ParseStatementQueryTest, VerbActivityRegistration) {
  auto r = Parse(
      "verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fcompleted&activity=http://example.org/a"
      "&registration=6E3FE4A5-38E4-4ED3-B5B2-3A1C9E4F2D10");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& terms = r->query.store.terms;
  ASSERT_EQ(terms.size(), 3u);
  auto has = [&](xapi::TermKind k, std::string v) {
    return std::find(terms.begin(), terms.end(), xapi::Term{k, v}) != terms.end();
  };
  EXPECT_TRUE(has(xapi::TermKind::kVerb, "http://adlnet.gov/expapi/verbs/completed"));
  EXPECT_TRUE(has(xapi::TermKind::kActivity, "http://example.org/a"));
  EXPECT_TRUE(has(xapi::TermKind::kRegistration, "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"));

  r = Parse("activity=http://example.org/a&related_activities=true");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->query.store.terms.size(), 1u);
  EXPECT_EQ(r->query.store.terms[0],
            (xapi::Term{xapi::TermKind::kRelatedActivity, "http://example.org/a"}));
}

TEST(ParseStatementQueryTest, MalformedFiltersAreNamed) {
  ExpectInvalid("verb=not%20an%20iri", "verb");
  ExpectInvalid("activity=relative/path", "activity");
  ExpectInvalid("registration=not-a-uuid", "registration");
  ExpectInvalid("related_agents=yes", "related_agents");
  ExpectInvalid("related_activities=1", "related_activities");
  ExpectInvalid("ascending=TRUE", "ascending");
  ExpectInvalid("since=yesterday", "since");
  ExpectInvalid("until=2024-13-01T00:00:00Z", "until");
}

// A statement stored with an upper-case registration (a valid UUID) must be
// found by a registration query for the same UUID: the query's term and the
// statement's term must agree.
TEST(ParseStatementQueryTest, RegistrationQueryMatchesStatementTermInAnyCase) {
  json::value statement = json::parse(R"({
    "actor": {"objectType": "Agent", "mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
    "object": {"objectType": "Activity", "id": "http://example.org/course"},
    "context": {"registration": "6E3FE4A5-38E4-4ED3-B5B2-3A1C9E4F2D10"}})");
  ASSERT_TRUE(xapi::ValidateStatement(statement, xapi::Version::k103).ok());
  std::vector<xapi::Term> stored = xapi::ExtractTerms(statement);
  for (std::string_view given :
       {"6E3FE4A5-38E4-4ED3-B5B2-3A1C9E4F2D10", "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"}) {
    auto r = Parse("registration=" + std::string(given));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->query.store.terms.size(), 1u);
    bool found = std::find(stored.begin(), stored.end(), r->query.store.terms[0]) != stored.end();
    EXPECT_TRUE(found) << "query term '" << r->query.store.terms[0].value
                       << "' is not among the statement's terms for registration=" << given;
  }
}

TEST(ParseStatementQueryTest, Limit) {
  auto limit = [](std::string_view q, size_t max) {
    auto r = Parse(q, max);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().message();
    return r.ok() ? r->query.store.limit : 0;
  };
  EXPECT_EQ(limit("limit=5", 100), 5u);
  EXPECT_EQ(limit("limit=1", 100), 1u);
  EXPECT_EQ(limit("limit=0", 100), 100u);    // 0: the server's maximum
  EXPECT_EQ(limit("limit=100", 100), 100u);  // exactly the maximum
  EXPECT_EQ(limit("limit=101", 100), 100u);  // above: capped
  EXPECT_EQ(limit("limit=18446744073709551615", 100), 100u);
  EXPECT_EQ(limit("", 250), 250u);
  ExpectInvalid("limit=-1", "limit");
  ExpectInvalid("limit=abc", "limit");
  ExpectInvalid("limit=5x", "limit");
  ExpectInvalid("limit=", "limit");
  ExpectInvalid("limit=1.5", "limit");
  ExpectInvalid("limit=99999999999999999999999", "limit");  // overflows uint64
}

TEST(ParseStatementQueryTest, Ascending) {
  auto r = Parse("ascending=true");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->query.store.ascending);
  r = Parse("ascending=false");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->query.store.ascending);
}

TEST(ParseStatementQueryTest, SinceIsExclusiveUntilInclusiveAtMilliseconds) {
  const std::string text = "2024-01-02T03:04:05.678Z";
  Micros t = *ParseTimestamp(text, TimestampSyntax::kRfc3339);
  auto r = Parse("since=" + text + "&until=" + text);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& q = r->query.store;
  // A statement stored in the since-millisecond is excluded; the next one is in.
  EXPECT_GT(store::SeqToStoredMicros(q.min_seq), t);
  EXPECT_EQ(store::SeqToStoredMicros(q.min_seq), t + 1000);
  EXPECT_EQ(store::SeqToStoredMicros(q.min_seq - 1), t);
  // A statement stored in the until-millisecond (any of its 1000 seqs) is in.
  EXPECT_EQ(store::SeqToStoredMicros(q.max_seq), t);
  EXPECT_EQ(store::SeqToStoredMicros(q.max_seq + 1), t + 1000);
  EXPECT_EQ(q.max_seq % 1000, 999u);
  // Equal since and until select nothing.
  EXPECT_GT(q.min_seq, q.max_seq);
}

TEST(ParseStatementQueryTest, SinceAndUntilAcceptOffsets) {
  auto z = Parse("since=2024-01-02T03:04:05.678Z");
  auto offset = Parse("since=" + PercentEncode("2024-01-02T05:04:05.678+02:00"));
  ASSERT_TRUE(z.ok());
  ASSERT_TRUE(offset.ok()) << offset.status().message();
  EXPECT_EQ(z->query.store.min_seq, offset->query.store.min_seq);
  auto until = Parse("until=2024-01-02T03:04:05Z");
  ASSERT_TRUE(until.ok());
  EXPECT_EQ(store::SeqToStoredMicros(until->query.store.max_seq),
            *ParseTimestamp("2024-01-02T03:04:05Z", TimestampSyntax::kRfc3339));
}

TEST(ParseStatementQueryTest, OriginalReencodesTheFilters) {
  auto r = Parse("verb=http://example.org/v&limit=5");
  ASSERT_TRUE(r.ok());
  auto back = QueryParams::Parse(r->query.original);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->items().size(), 2u);
  EXPECT_EQ(*back->Find("verb"), "http://example.org/v");
  EXPECT_EQ(*back->Find("limit"), "5");
}

// ---- more tokens -----------------------------------------------------------

// The query string of a `more` URL.
std::string QueryOf(const std::string& url) {
  EXPECT_EQ(url.rfind("/xapi/statements?more=", 0), 0u) << url;
  return url.substr(url.find('?') + 1);
}

TEST(MoreTest, NoMoreParameterLeavesParamsAlone) {
  QueryParams params = P("verb=http://example.org/v");
  std::optional<MoreCursor> cursor;
  ASSERT_TRUE(ExpandMore(&params, &cursor).ok());
  EXPECT_FALSE(cursor.has_value());
  ASSERT_EQ(params.items().size(), 1u);
  EXPECT_EQ(*params.Find("verb"), "http://example.org/v");
}

TEST(MoreTest, RoundTripRestoresParamsAndCursor) {
  const std::string agent = R"({"mbox":"mailto:a+b&c@example.org","name":"A B"})";
  QueryParams original = P("agent=" + PercentEncode(agent) +
                           "&verb=http://example.org/v?x=1%26y%3D2&limit=7&ascending=true"
                           "&since=2024-01-02T03:04:05.678Z&related_agents=true");
  auto first = ParseStatementQuery(original, kMax);
  ASSERT_TRUE(first.ok()) << first.status().message();
  first->query.store.max_seq = 1704164645999999;  // the first page's consistent-through bound
  std::string url = MoreUrl(first->query, 1704164645680123);

  QueryParams params = P(QueryOf(url));
  std::optional<MoreCursor> cursor;
  Status s = ExpandMore(&params, &cursor);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(cursor.has_value());
  EXPECT_EQ(cursor->next_seq, 1704164645680123u);
  EXPECT_EQ(cursor->max_seq, 1704164645999999u);
  EXPECT_EQ(params.items(), original.items());

  auto next = ParseStatementQuery(params, kMax);
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(next->query.store.terms, first->query.store.terms);
  EXPECT_EQ(next->query.store.limit, 7u);
  EXPECT_EQ(next->query.store.min_seq, first->query.store.min_seq);
  EXPECT_TRUE(next->query.store.ascending);
  EXPECT_EQ(next->query.original, first->query.original);

  ApplyCursor(*cursor, &next->query);
  EXPECT_EQ(next->query.store.min_seq, 1704164645680123u);  // ascending: continues upward
  EXPECT_EQ(next->query.store.max_seq, 1704164645999999u);
  EXPECT_TRUE(next->query.max_seq_fixed);
}

TEST(MoreTest, DescendingCursorLowersTheUpperBound) {
  auto first = Parse("verb=http://example.org/v&limit=2");
  ASSERT_TRUE(first.ok());
  first->query.store.max_seq = 5000000;
  QueryParams params = P(QueryOf(MoreUrl(first->query, 4000123)));
  std::optional<MoreCursor> cursor;
  ASSERT_TRUE(ExpandMore(&params, &cursor).ok());
  ASSERT_TRUE(cursor.has_value());
  auto next = ParseStatementQuery(params, kMax);
  ASSERT_TRUE(next.ok());
  ApplyCursor(*cursor, &next->query);
  EXPECT_EQ(next->query.store.max_seq, 4000123u);
  EXPECT_EQ(next->query.store.min_seq, 0u);
  EXPECT_FALSE(next->query.store.ascending);
  // A later page's link keeps the bound of the cursor.
  QueryParams again = P(QueryOf(MoreUrl(next->query, 3000000)));
  ASSERT_TRUE(ExpandMore(&again, &cursor).ok());
  EXPECT_EQ(cursor->next_seq, 3000000u);
  EXPECT_EQ(cursor->max_seq, 4000123u);
}

TEST(MoreTest, CursorDoesNotWidenTheUntilBound) {
  auto first = Parse("until=2024-01-02T03:04:05.678Z&ascending=true");
  ASSERT_TRUE(first.ok());
  uint64_t until = first->query.store.max_seq;
  QueryParams params = P(QueryOf(MoreUrl(first->query, 100)));
  std::optional<MoreCursor> cursor;
  ASSERT_TRUE(ExpandMore(&params, &cursor).ok());
  auto next = ParseStatementQuery(params, kMax);
  ASSERT_TRUE(next.ok());
  ApplyCursor(MoreCursor{100, UINT64_MAX}, &next->query);
  EXPECT_EQ(next->query.store.max_seq, until);
  EXPECT_EQ(next->query.store.min_seq, 100u);
}

TEST(MoreTest, TokenOfAnEmptyQuery) {
  auto first = Parse("");
  ASSERT_TRUE(first.ok());
  QueryParams params = P(QueryOf(MoreUrl(first->query, 42)));
  std::optional<MoreCursor> cursor;
  ASSERT_TRUE(ExpandMore(&params, &cursor).ok());
  ASSERT_TRUE(cursor.has_value());
  EXPECT_EQ(cursor->next_seq, 42u);
  EXPECT_TRUE(params.items().empty());
}

TEST(MoreTest, GarbageTokensAreInvalid) {
  auto expect_bad = [](std::string token) {
    QueryParams params;
    params.Add("more", token);
    std::optional<MoreCursor> cursor;
    Status s = ExpandMore(&params, &cursor);
    EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument)) << token;
    EXPECT_NE(s.message().find("more"), std::string::npos) << s.message();
    EXPECT_FALSE(cursor.has_value()) << token;
  };
  expect_bad("");
  expect_bad("!!!not base64!!!");
  expect_bad(Base64UrlEncode("not json"));
  expect_bad(Base64UrlEncode("[1,2,3]"));
  expect_bad(Base64UrlEncode(R"({"q":"verb=x","n":1})"));          // no bound
  expect_bad(Base64UrlEncode(R"({"n":1,"x":2})"));                 // no query
  expect_bad(Base64UrlEncode(R"({"q":5,"n":1,"x":2})"));           // query not a string
  expect_bad(Base64UrlEncode(R"({"q":"","n":"1","x":2})"));        // n not a number
  expect_bad(Base64UrlEncode(R"({"q":"","n":-1,"x":2})"));         // negative
  expect_bad(Base64UrlEncode(R"({"q":"","n":1.5,"x":2})"));        // fractional
  expect_bad(Base64UrlEncode(R"({"q":"a=%zz","n":1,"x":2})"));     // bad escapes
  expect_bad(Base64UrlEncode(R"({"q":"more=abc","n":1,"x":2})"));  // nested more
}

TEST(MoreTest, MoreWithOtherParametersIsInvalid) {
  auto first = Parse("verb=http://example.org/v");
  ASSERT_TRUE(first.ok());
  QueryParams params = P(QueryOf(MoreUrl(first->query, 1)) + "&limit=5");
  std::optional<MoreCursor> cursor;
  Status s = ExpandMore(&params, &cursor);
  EXPECT_TRUE(s.Is(Status::Code::kInvalidArgument));
  EXPECT_FALSE(cursor.has_value());
}

}  // namespace
}  // namespace lrs::http
