// Grant: what a learner's consent to one organisation covers, parsed from
// the JSON of POST /me/grants (docs/CONSENT.md, "Grants";
// schema/grant.schema.json) and evaluated against statements and documents.
//
// Parsing validates everything and names the offending field in the
// InvalidArgument message ("verbs[2]: must be an IRI"). A parsed grant is a
// value: immutable, cheap to copy, safe to share between threads.
//
// Timestamps (since, until, expires) are kept to the millisecond, the
// precision of the canonical JSON, so that a grant read back from storage is
// the grant that was made. Finer digits are rounded so the grant only ever
// narrows: `since` up, `until` and `expires` down.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"

namespace lrs::consent {

struct Grant {
  std::string organisation;                    // organisation id (lowercase UUID)
  std::vector<std::string> verbs;              // empty: any verb
  std::vector<std::string> activities;         // exact activity ids
  std::vector<std::string> activity_prefixes;  // activity id prefixes
  std::vector<std::string> registrations;      // lowercase UUID strings
  std::optional<Micros> since;                 // timestamp > since
  std::optional<Micros> until;                 // timestamp <= until
  std::optional<Micros> expires;               // live while now < expires
  bool statements = true;                      // actions: "statements"
  bool documents = false;                      // actions: "documents"
  std::string purpose;                         // trimmed, 1..1000 characters
  std::optional<std::string> replaces;         // grant id (lowercase UUID)

  // The statement (as stored: an object with verb, object, context,
  // timestamp) is covered by every restriction this grant sets. False when
  // the grant's actions lack "statements". Never throws: a property of the
  // wrong type fails the restriction that reads it.
  bool CoversStatement(const boost::json::object& statement) const;
  // A State (activity_id set, registration maybe) or Agent Profile
  // (activity_id empty) document last changed at `updated`. False when the
  // grant's actions lack "documents"; `verbs` does not apply.
  bool CoversDocument(std::string_view activity_id, const std::optional<std::string>& registration,
                      Micros updated) const;

  bool operator==(const Grant&) const = default;
};

// Parses and validates a grant body: a JSON object with only the fields of
// the contract ("colour: not a field of a grant"). Every failure is
// InvalidArgument whose message starts with the field's path
// ("purpose: required", "registrations[0]: must be a UUID"). UUIDs are
// lowercased and `purpose` trimmed.
Result<Grant> ParseGrant(const boost::json::value& body);

// The canonical JSON of a grant as clients see it (fields in contract
// order, timestamps as RFC 3339 UTC with milliseconds, absent restrictions
// left out, "actions" always present). ParseGrant(GrantToJson(g)) == g for
// every parsed grant.
boost::json::object GrantToJson(const Grant& grant);

}  // namespace lrs::consent
