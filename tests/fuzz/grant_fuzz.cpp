// Fuzz target: consent grants (lrs/consent/grant.cpp) as POST /me/grants
// reads them (lrs/http/consent_json.cpp JsonObjectBody, then ParseGrant)
// and as the read rule applies them to statements and documents.
//
// Input: the request body on the first line; the rest, when it is a JSON
// object, is a statement the grant is asked to cover (any object: coverage
// must not depend on the statement being valid xAPI).
//
// Besides crashes, it checks grant.h's promise that ParseGrant of the
// canonical JSON gives back the same grant: stored grants are re-parsed on
// every read, so a grant that fails to is a grant that breaks reads.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "lrs/base/json.h"
#include "lrs/consent/grant.h"
#include "lrs/http/consent_json.h"

namespace {

namespace json = boost::json;
using lrs::consent::Grant;

void Require(bool ok, const char* what, const json::value& grant) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\ngrant: %s\n", what, json::serialize(grant).c_str());
  std::abort();
}

// As MakeGrant in lrs/http/me.cpp reads the body.
lrs::Result<Grant> ParseBody(std::string_view body) {
  lrs::http::Request req{lrs::http::bhttp::verb::post, "/me/grants", 11};
  req.set(lrs::http::bhttp::field::content_type, "application/json");
  req.body() = std::string(body);
  lrs::http::Streams streams;
  lrs::http::RequestContext ctx{req, "/me/grants", {},    lrs::xapi::Version::k103,
                                {},  nullptr,      false, &streams};
  auto object = lrs::http::JsonObjectBody(ctx);
  if (!object.ok()) return object.status();
  return lrs::consent::ParseGrant(json::value(std::move(*object)));
}

// Stored as serialized canonical JSON, read back by ParseJson + ParseGrant.
void CheckStoredForm(const Grant& grant) {
  json::value canonical = lrs::consent::GrantToJson(grant);
  auto text = json::serialize(canonical);
  auto reread = lrs::ParseJson(text, "stored grant");
  Require(reread.ok(), "a grant's canonical JSON does not parse", canonical);
  auto again = lrs::consent::ParseGrant(*reread);
  Require(again.ok(), "a grant's canonical JSON is refused", canonical);
  Require(*again == grant, "a grant's canonical JSON is another grant", canonical);
}

void CheckCoverage(const Grant& grant, std::string_view statement_text) {
  auto statement = lrs::ParseJson(statement_text, "statement");
  if (statement.ok() && statement->is_object())
    (void)grant.CoversStatement(statement->get_object());
  std::string activity = grant.activities.empty() ? "http://example.org/a" : grant.activities[0];
  std::optional<std::string> registration;
  if (!grant.registrations.empty()) registration = grant.registrations[0];
  lrs::Micros updated = grant.since ? *grant.since + 1 : 0;
  (void)grant.CoversDocument(activity, registration, updated);
  (void)grant.CoversDocument("", std::nullopt, updated);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view body = input.substr(0, nl);
  std::string_view statement = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  auto grant = ParseBody(body);
  if (!grant.ok()) return 0;
  CheckStoredForm(*grant);
  CheckCoverage(*grant, statement);
  return 0;
}
