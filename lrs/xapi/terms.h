// Index terms: what a stored statement can be found by in GET /statements
// filters. The store keeps one index entry per term, so that a query reads
// the entries of its terms instead of scanning statements.
//
// Term kinds follow the filter parameters:
//   kAgent            agent=X          X is the actor or object (Agent/Group)
//   kRelatedAgent     agent=X&related_agents=true: X anywhere (actor, object,
//                     authority, instructor, team, contextAgents/Groups,
//                     members of Groups, inside a SubStatement)
//   kVerb             verb=X
//   kActivity         activity=X       X is the object
//   kRelatedActivity  activity=X&related_activities=true: X anywhere
//                     (object, contextActivities, SubStatement's object and
//                     contextActivities)
//   kRegistration     registration=X   context.registration
//   kAuthority        the statement's authority (for statements/read/mine)
// Agents are matched by IfiKey (lrs/xapi/agent.h). A Group actor also yields
// the terms of its identified members for kRelatedAgent only.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace lrs::xapi {

enum class TermKind : uint8_t {
  kAgent = 'a',
  kRelatedAgent = 'A',
  kVerb = 'v',
  kActivity = 'o',
  kRelatedActivity = 'O',
  kRegistration = 'r',
  kAuthority = 'w',
};

struct Term {
  TermKind kind;
  std::string value;
  bool operator==(const Term&) const = default;
};

// All distinct terms of `statement` (a validated statement). Each agent or
// activity term is also emitted under its related kind, since "related"
// queries are a superset of the plain ones.
std::vector<Term> ExtractTerms(const boost::json::value& statement);

}  // namespace lrs::xapi
