// Statement validation: everything the xAPI specification says an LRS MUST
// reject, for 1.0.3 and for 2.0.0. Pure functions over Boost.JSON values; no
// I/O. A failure is Status::InvalidArgument whose message starts with the
// JSON path of the offending property, e.g.
//   "statement.actor.mbox: must be a mailto IRI"
//   "statement.context.contextActivities.parent[0].id: must be an absolute IRI"
// so the 400 names what to fix.
#pragma once

#include <boost/json.hpp>

#include "lrs/base/status.h"
#include "lrs/xapi/version.h"

namespace lrs::xapi {

// Validates one statement as received from a client (before the LRS adds
// stored/authority). `statement` must be the parsed body element.
// Rules include (non-exhaustive): known top-level properties only; actor is an
// Agent or Group with exactly one IFI (mbox mailto:, mbox_sha1sum 40 hex,
// openid IRI, account{homePage IRL, name}); Group member rules; verb.id IRI and
// display language map; object types (Activity, Agent, Group, StatementRef,
// SubStatement with no nested SubStatement and no id/stored/version/authority);
// activity definition incl. interaction types and components; result.score
// ranges (scaled in [-1,1], min<=raw<=max); duration ISO 8601; context
// (registration UUID, revision/platform only with Activity objects,
// contextActivities as object-or-array of activities, instructor, team Group,
// statement ref, extensions with IRI keys; 2.0.0 contextAgents/contextGroups);
// timestamp (ISO 8601 at 1.0.3; RFC 3339 at 2.0.0); version 1.0.x / 2.0.x;
// attachments metadata (usageType IRI, display, contentType, length int,
// sha2 hex, fileUrl IRL); language maps with RFC 5646 tags; UUID ids.
Status ValidateStatement(const boost::json::value& statement, Version version);

// The `agent` query parameter: an Agent (document resources, /agents) or,
// with `allow_group`, an Agent or identified Group (GET /statements), with
// exactly one IFI. Errors start with `name`, the parameter's name.
Status ValidateAgentParameter(const boost::json::value& agent, bool allow_group, std::string_view name);

// True when `s` is a well-formed absolute IRI (scheme ":" ...).
bool IsIri(std::string_view s);
// True when `s` is an ISO 8601 duration as xAPI allows (PnYnMnDTnHnMnS, PnW).
bool IsIsoDuration(std::string_view s);
// True when `s` is an RFC 5646 language tag.
bool IsLanguageTag(std::string_view s);

}  // namespace lrs::xapi
