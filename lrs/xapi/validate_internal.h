// Private to lrs/xapi/validate*.cpp: the pieces ValidateStatement is built
// from, shared across the files that split it by idea (common data types,
// actors, objects, result/context, the statement itself).
//
// Every function takes the JSON path of the value it checks and returns
// InvalidArgument("<path>: <what is wrong>") on the first failure, so the
// client is told which property to fix. Paths look like
// "statement.context.contextActivities.parent[0].id".
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "lrs/base/status.h"
#include "lrs/xapi/version.h"

namespace lrs::xapi::internal {

namespace json = boost::json;

// --- paths and failures -----------------------------------------------------

std::string Child(std::string_view path, std::string_view key);
std::string Index(std::string_view path, size_t i);
Status Fail(std::string_view path, std::string_view what);

// --- shape checks -----------------------------------------------------------

// Rejects keys outside `allowed` and null values (xAPI forbids null anywhere
// except inside extension values, which never reach this check).
Status CheckKeys(const json::object& o, std::string_view path,
                 std::initializer_list<std::string_view> allowed);
// Fails unless `o` has `key`.
Status Require(const json::object& o, std::string_view key, std::string_view path);

Status CheckObject(const json::value& v, std::string_view path);
Status CheckString(const json::value& v, std::string_view path);
Status CheckBool(const json::value& v, std::string_view path);
Status CheckNumber(const json::value& v, std::string_view path);
Status CheckIri(const json::value& v, std::string_view path);
Status CheckUuid(const json::value& v, std::string_view path);
// A language map: an object whose keys are RFC 5646 tags, values strings.
Status CheckLanguageMap(const json::value& v, std::string_view path);
// An extensions map: an object whose keys are IRIs; values are unchecked.
Status CheckExtensions(const json::value& v, std::string_view path);
// A timestamp readable at `version` (ISO 8601 at 1.0.3, RFC 3339 at 2.0.0).
Status CheckTimestamp(const json::value& v, std::string_view path, Version version);

// Calls `check` on each optional property of `o` that is present.
template <typename F>
Status IfPresent(const json::object& o, std::string_view key, std::string_view path, F check) {
  if (const json::value* v = o.if_contains(key)) return check(*v, Child(path, key));
  return Status::Ok();
}

// --- actors (validate_actor.cpp) --------------------------------------------

// Where an actor appears decides which kinds are allowed and whether
// objectType must be spelled out.
enum class ActorRole {
  kActor,      // statement.actor, context.instructor: Agent or Group
  kObject,     // statement.object: Agent or Group, objectType required
  kTeam,       // context.team, contextGroups[].group: Group only
  kMember,     // Group.member[], contextAgents[].agent: Agent only
  kAuthority,  // Agent, or an anonymous two-member OAuth Group
};

Status ValidateActor(const json::value& v, std::string_view path, ActorRole role);

// --- verb and objects (validate_object.cpp) ---------------------------------

Status ValidateVerb(const json::value& v, std::string_view path);
Status ValidateActivity(const json::value& v, std::string_view path);
Status ValidateStatementRef(const json::value& v, std::string_view path);
// statement.object or a SubStatement's object; `in_substatement` forbids
// nesting another SubStatement.
Status ValidateObject(const json::value& v, std::string_view path, Version version,
                      bool in_substatement);
// True when the object is an Activity (objectType absent or "Activity").
bool IsActivityObject(const json::value& object);

// --- result and context (validate_result_context.cpp) -----------------------

Status ValidateResult(const json::value& v, std::string_view path);
// `object_is_activity` decides whether revision and platform are allowed.
Status ValidateContext(const json::value& v, std::string_view path, Version version,
                       bool object_is_activity);

// --- statement body (validate_statement.cpp) --------------------------------

// Validates the properties a Statement and a SubStatement share (actor, verb,
// object, result, context, timestamp, attachments). The caller has already
// checked the set of keys.
Status ValidateStatementCore(const json::object& o, std::string_view path, Version version,
                             bool is_substatement);

}  // namespace lrs::xapi::internal
