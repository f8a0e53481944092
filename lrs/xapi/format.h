// Statement output formats for GET /statements (format=exact|ids|canonical)
// and the equivalence rule used to decide whether a re-sent statement id
// carries "the same" statement (accepted, no change) or another one (409).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lrs::xapi {

enum class Format { kExact, kIds, kCanonical };

// Rewrites a stored statement in place for `format`:
//  - exact: unchanged.
//  - ids: Agents/identified Groups keep only objectType and their IFI;
//    anonymous Groups keep objectType and members (each reduced likewise);
//    Activities keep only id (objectType defaults to Activity); Verbs keep id; applies to actor,
//    object, context.instructor/team, contextActivities, contextAgents,
//    contextGroups, authority, and inside SubStatements.
//  - canonical: every language map (verb.display, definition.name,
//    definition.description, interaction component descriptions, attachment
//    display/description) keeps one entry, chosen by `languages` (the
//    Accept-Language ranges in preference order); when none matches, the
//    first entry is kept.
void ApplyFormat(boost::json::value& statement, Format format,
                 const std::vector<std::string>& languages);

// Parses an Accept-Language header into language ranges ordered by q-value
// (highest first, ties in header order); "*" and q=0 entries are dropped.
std::vector<std::string> ParseAcceptLanguage(std::string_view header);

// True when two statements are the same per the xAPI statement comparison
// rules: ignores id, stored, authority, version and property order; compares
// timestamps by instant; compares IFIs and other values exactly. Used for
// idempotent re-submission. `incoming` lacks LRS-set properties, `stored` has
// them; a timestamp the LRS filled in is ignored when `incoming` has none.
bool SameStatement(const boost::json::value& incoming, const boost::json::value& stored);

}  // namespace lrs::xapi
