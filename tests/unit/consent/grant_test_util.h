// Shared by the grant tests (grant_parse_test.cpp, grant_coverage_test.cpp):
// valid bodies, statements every restriction of the full grant accepts, and
// time helpers.
#pragma once

#include "lrs/consent/grant.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>


namespace lrs::consent::grant_test {

namespace json = boost::json;

constexpr const char* kOrg = "0b7e3c1a-5f2d-4c9e-8a6b-1d2e3f4a5b6c";
constexpr const char* kReg = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
constexpr const char* kOtherReg = "6690e6c9-3ef0-4ed3-8b37-7f3964730bee";
constexpr const char* kVerb = "http://adlnet.gov/expapi/verbs/completed";
constexpr const char* kActivity = "https://example.org/course/1";

// A valid body: the required fields plus `extra` ("" or `"key": value, ...`).
inline std::string Body(std::string_view extra = "") {
  std::string body = std::string(R"({"organisation":")") + kOrg + R"(","purpose":"Reporting")";
  if (!extra.empty()) body.append(",").append(extra);
  return body.append("}");
}

inline Result<Grant> Parse(std::string_view text) { return ParseGrant(json::parse(text)); }

// Parses a body that must be valid; a failure fails the calling test.
inline Grant MustParse(std::string_view text) {
  Result<Grant> r = Parse(text);
  EXPECT_TRUE(r.ok()) << text << " -> " << r.status().message();
  return r.ok() ? *r : Grant{};
}

inline Grant GrantWith(std::string_view extra) { return MustParse(Body(extra)); }

inline std::string Canonical(const Grant& g) { return json::serialize(GrantToJson(g)); }

// A stored statement every restriction of the full grant below accepts.
inline json::object Statement() {
  return json::parse(R"({
    "id": "9e3c8a3e-2b1f-4d5e-8f7a-6b5c4d3e2f1a",
    "actor": {"objectType": "Agent", "mbox": "mailto:ada@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
    "object": {"objectType": "Activity", "id": "https://example.org/course/1"},
    "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"},
    "timestamp": "2026-06-01T12:00:00.000Z",
    "stored": "2026-06-01T12:00:01.000Z",
    "authority": {"account": {"homePage": "urn:lrs:organisation", "name": "x"}},
    "version": "1.0.3"
  })")
      .as_object();
}

inline json::object StatementAt(std::string_view timestamp) {
  json::object s = Statement();
  s["timestamp"] = timestamp;
  return s;
}

inline json::object StatementWithObject(std::string_view object_json) {
  json::object s = Statement();
  s["object"] = json::parse(object_json);
  return s;
}

inline Micros At(std::string_view rfc3339) {
  auto t = ParseTimestamp(rfc3339, TimestampSyntax::kRfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

inline void ExpectSameGrant(const Grant& a, const Grant& b) {
  EXPECT_TRUE(a == b) << Canonical(a) << "\n  vs\n" << Canonical(b);
}

constexpr const char* kFullBody = R"({
  "organisation": "0B7E3C1A-5F2D-4C9E-8A6B-1D2E3F4A5B6C",
  "verbs": ["http://adlnet.gov/expapi/verbs/completed"],
  "activities": ["https://example.org/course/1"],
  "activityPrefixes": ["https://example.org/course/"],
  "registrations": ["EC531277-B57B-4C15-8D91-D292C5B2B8F7"],
  "since": "2026-01-01T00:00:00Z",
  "until": "2027-01-01T00:00:00Z",
  "expires": "2027-06-30T00:00:00Z",
  "actions": ["statements", "documents"],
  "purpose": "Compliance reporting for the fire-safety course",
  "replaces": "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE"
})";


}  // namespace lrs::consent::grant_test
