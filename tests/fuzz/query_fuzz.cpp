// Fuzz target: what the router and the statement/document handlers read
// from a request line and headers: the query string (QueryParams::Parse),
// GET /xapi/statements parameters (statement_query.cpp, `more` tokens
// included), the 1.0.3 alternate request syntax (alternate_syntax.cpp), the
// X-Experience-API-Version header (xapi/version.cpp), `agent` parameters
// (ValidateAgentParameter, IfiKey) and Accept-Language (ParseAcceptLanguage,
// as format=canonical uses it).
//
// Input, by lines: the query string; a header value, read both as
// X-Experience-API-Version and as Accept-Language; then the form body of an
// alternate-syntax POST (used when the query has `method`).
//
// Besides crashes, it checks that a `more` link the server writes for an
// accepted query is itself accepted and stands for the same query.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "lrs/base/json.h"
#include "lrs/http/alternate_syntax.h"
#include "lrs/http/statement_query.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/format.h"
#include "lrs/xapi/validate.h"
#include "lrs/xapi/version.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using lrs_fuzz::NextLine;
using lrs_fuzz::Require;

namespace http = lrs::http;

constexpr size_t kMaxLimit = 100;

// The next page's link must expand to the query it continues.
void CheckMoreLink(const http::PagedQuery& query) {
  constexpr uint64_t kNext = 12345;
  std::string url = http::MoreUrl(query, kNext);
  auto params = http::QueryParams::Parse(url.substr(url.find('?') + 1));
  Require(params.ok(), "a more link's query string does not parse");
  std::optional<http::MoreCursor> cursor;
  Require(http::ExpandMore(&*params, &cursor).ok() && cursor, "a more token is refused");
  Require(cursor->next_seq == kNext && cursor->max_seq == query.store.max_seq,
          "a more token changed its cursor");
  auto again = http::ParseStatementQuery(*params, kMaxLimit);
  Require(again.ok(), "the query of a more token is refused");
  Require(again->query.original == query.original, "a more token changed the query");
  Require(again->query.store.terms == query.store.terms, "a more token changed the filters");
}

// As GET /xapi/statements handles its parameters.
void StatementQuery(http::QueryParams params) {
  std::optional<http::MoreCursor> cursor;
  if (!http::ExpandMore(&params, &cursor).ok()) return;
  auto parsed = http::ParseStatementQuery(params, kMaxLimit);
  if (!parsed.ok() || parsed->single != http::SingleLookup::kNone) return;
  if (cursor)
    http::ApplyCursor(*cursor, &parsed->query);
  else
    CheckMoreLink(parsed->query);
}

// As the document resources read `agent` (an Agent only, Group refused).
void DocumentAgent(const http::QueryParams& params) {
  const std::string* agent = params.Find("agent");
  if (!agent) return;
  auto v = lrs::ParseJson(*agent, "agent");
  if (!v.ok() || !lrs::xapi::ValidateAgentParameter(*v, false, "agent").ok()) return;
  Require(lrs::xapi::IfiKey(*v).has_value(), "a valid agent parameter has no IFI key");
}

// As the router rewrites a POST with ?method= and then dispatches it.
void Alternate(http::QueryParams params, std::string_view form) {
  http::Request req{http::bhttp::verb::post, "/xapi/statements", 11};
  req.set(http::bhttp::field::content_type, "application/x-www-form-urlencoded");
  req.body() = std::string(form);
  http::Streams streams;
  http::RequestContext ctx{
      req,     "/xapi/statements", std::move(params), lrs::xapi::Version::k103, {}, nullptr, false,
      &streams};
  if (!http::RewriteAlternateRequest(ctx).ok()) return;
  auto version = req.find("X-Experience-API-Version");
  if (version != req.end()) (void)lrs::xapi::ParseVersionHeader(version->value());
  StatementQuery(ctx.params);
}

// As GET /xapi/statements?format=canonical picks one entry per language map.
void AcceptLanguage(std::string_view header) {
  static const boost::json::value statement = boost::json::parse(R"({
    "actor": {"mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://example.org/v", "display": {"en-US": "a", "en-GB": "b", "fr": "c"}},
    "object": {"id": "http://example.org/a", "definition": {"name": {"de-CH": "d", "en": "e"}}}})");
  boost::json::value copy = statement;
  lrs::xapi::ApplyFormat(copy, lrs::xapi::Format::kCanonical,
                         lrs::xapi::ParseAcceptLanguage(header));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view query = NextLine(rest);
  std::string_view version = NextLine(rest);
  (void)lrs::xapi::ParseVersionHeader(version);
  AcceptLanguage(version);
  auto params = http::QueryParams::Parse(query);
  if (!params.ok()) return 0;
  DocumentAgent(*params);
  if (params->Find("method")) {
    Alternate(std::move(*params), rest);
  } else {
    StatementQuery(std::move(*params));
  }
  return 0;
}
