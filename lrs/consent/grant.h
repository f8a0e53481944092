// Grant: what a learner's consent to one organisation covers, parsed from
// the JSON of POST /me/grants (docs/CONSENT.md, "Grants";
// schema/grant.schema.json) and evaluated against statements and documents.
//
// Parsing validates everything and names the offending field in the
// InvalidArgument message ("verbs[2]: must be an IRI"). A parsed grant is a
// value: immutable, cheap to copy, safe to share between threads.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"

namespace lrs::consent {

struct Grant {
  std::string organisation;                   // organisation id (UUID string)
  std::vector<std::string> verbs;             // empty: any verb
  std::vector<std::string> activities;        // exact activity ids
  std::vector<std::string> activity_prefixes; // activity id prefixes
  std::vector<std::string> registrations;     // lowercase UUID strings
  std::optional<Micros> since;                // timestamp > since
  std::optional<Micros> until;                // timestamp <= until
  std::optional<Micros> expires;              // live while now < expires
  bool statements = true;                     // actions: "statements"
  bool documents = false;                     // actions: "documents"
  std::string purpose;
  std::optional<std::string> replaces;        // grant id

  // The statement (as stored: an object with verb, object, context,
  // timestamp) is covered by every restriction this grant sets.
  bool CoversStatement(const boost::json::object& statement) const;
  // A State (activity_id set, registration maybe) or Agent Profile
  // (activity_id empty) document last changed at `updated`.
  bool CoversDocument(std::string_view activity_id, const std::optional<std::string>& registration,
                      Micros updated) const;
};

// Parses and validates a grant body. `known_fields` beyond the contract are
// rejected ("colour: not a field of a grant").
Result<Grant> ParseGrant(const boost::json::value& body);

// The canonical JSON of a grant as clients see it (fields in contract
// order, timestamps as RFC 3339 UTC with milliseconds, absent restrictions
// left out, "actions" always present).
boost::json::object GrantToJson(const Grant& grant);

}  // namespace lrs::consent
