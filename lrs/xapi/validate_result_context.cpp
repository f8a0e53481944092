// Result (score ranges, duration) and Context (registration, actors,
// contextActivities, revision/platform, 2.0.0 contextAgents/contextGroups).
#include <string>

#include "lrs/xapi/validate.h"
#include "lrs/xapi/validate_internal.h"

namespace lrs::xapi::internal {
namespace {

Status ValidateScore(const json::value& v, std::string_view path) {
  LRS_RETURN_IF_ERROR(CheckObject(v, path));
  const auto& s = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(s, path, {"scaled", "raw", "min", "max"}));
  for (std::string_view key : {"scaled", "raw", "min", "max"}) {
    LRS_RETURN_IF_ERROR(IfPresent(s, key, path, CheckNumber));
  }
  auto num = [&](std::string_view key) { return s.at(key).to_number<double>(); };
  if (s.contains("scaled") && (num("scaled") < -1.0 || num("scaled") > 1.0)) {
    return Fail(Child(path, "scaled"), "must be between -1 and 1");
  }
  if (s.contains("min") && s.contains("max") && num("min") > num("max")) {
    return Fail(Child(path, "min"), "must not be greater than max");
  }
  if (s.contains("raw") && s.contains("min") && num("raw") < num("min")) {
    return Fail(Child(path, "raw"), "must not be less than min");
  }
  if (s.contains("raw") && s.contains("max") && num("raw") > num("max")) {
    return Fail(Child(path, "raw"), "must not be greater than max");
  }
  return Status::Ok();
}

Status CheckDuration(const json::value& v, std::string_view path) {
  if (!v.is_string() || !IsIsoDuration(v.get_string())) {
    return Fail(path, "must be an ISO 8601 duration such as PT1H30M or P2W");
  }
  return Status::Ok();
}

// A single Activity or an array of Activities.
Status ValidateContextActivityList(const json::value& v, std::string_view path) {
  if (!v.is_array()) return ValidateActivity(v, path);
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i) LRS_RETURN_IF_ERROR(ValidateActivity(a[i], Index(path, i)));
  return Status::Ok();
}

Status ValidateContextActivities(const json::value& v, std::string_view path) {
  LRS_RETURN_IF_ERROR(CheckObject(v, path));
  const auto& o = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(o, path, {"parent", "grouping", "category", "other"}));
  for (const auto& kv : o) {
    LRS_RETURN_IF_ERROR(ValidateContextActivityList(kv.value(), Child(path, kv.key())));
  }
  return Status::Ok();
}

Status ValidateRelevantTypes(const json::value& v, std::string_view path) {
  if (!v.is_array() || v.get_array().empty())
    return Fail(path, "must be a non-empty array of IRIs");
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i) LRS_RETURN_IF_ERROR(CheckIri(a[i], Index(path, i)));
  return Status::Ok();
}

// contextAgents ({objectType "contextAgent", agent}) and contextGroups
// ({objectType "contextGroup", group}) differ only in those two names and in
// the actor kind, so one function reads both.
Status ValidateContextActorList(const json::value& v, std::string_view path,
                                std::string_view object_type, std::string_view actor_key,
                                ActorRole role) {
  if (!v.is_array()) return Fail(path, "must be an array");
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i) {
    std::string p = Index(path, i);
    LRS_RETURN_IF_ERROR(CheckObject(a[i], p));
    const auto& o = a[i].get_object();
    LRS_RETURN_IF_ERROR(CheckKeys(o, p, {"objectType", actor_key, "relevantTypes"}));
    const json::value* t = o.if_contains("objectType");
    if (!t || !t->is_string() || t->get_string() != object_type) {
      return Fail(Child(p, "objectType"), "must be \"" + std::string(object_type) + "\"");
    }
    LRS_RETURN_IF_ERROR(Require(o, actor_key, p));
    LRS_RETURN_IF_ERROR(ValidateActor(o.at(actor_key), Child(p, actor_key), role));
    LRS_RETURN_IF_ERROR(IfPresent(o, "relevantTypes", p, ValidateRelevantTypes));
  }
  return Status::Ok();
}

Status CheckLanguageTag(const json::value& v, std::string_view path) {
  if (!v.is_string() || !IsLanguageTag(v.get_string())) {
    return Fail(path, "must be an RFC 5646 language tag");
  }
  return Status::Ok();
}

Status CheckInstructor(const json::value& v, std::string_view path) {
  return ValidateActor(v, path, ActorRole::kActor);
}

Status CheckTeam(const json::value& v, std::string_view path) {
  return ValidateActor(v, path, ActorRole::kTeam);
}

}  // namespace

Status ValidateResult(const json::value& v, std::string_view path) {
  LRS_RETURN_IF_ERROR(CheckObject(v, path));
  const auto& r = v.get_object();
  LRS_RETURN_IF_ERROR(
      CheckKeys(r, path, {"score", "success", "completion", "response", "duration", "extensions"}));
  LRS_RETURN_IF_ERROR(IfPresent(r, "score", path, ValidateScore));
  LRS_RETURN_IF_ERROR(IfPresent(r, "success", path, CheckBool));
  LRS_RETURN_IF_ERROR(IfPresent(r, "completion", path, CheckBool));
  LRS_RETURN_IF_ERROR(IfPresent(r, "response", path, CheckString));
  LRS_RETURN_IF_ERROR(IfPresent(r, "duration", path, CheckDuration));
  return IfPresent(r, "extensions", path, CheckExtensions);
}

Status ValidateContext(const json::value& v, std::string_view path, Version version,
                       bool object_is_activity) {
  LRS_RETURN_IF_ERROR(CheckObject(v, path));
  const auto& c = v.get_object();
  if (version == Version::k103) {
    LRS_RETURN_IF_ERROR(CheckKeys(c, path,
                                  {"registration", "instructor", "team", "contextActivities",
                                   "revision", "platform", "language", "statement", "extensions"}));
  } else {
    LRS_RETURN_IF_ERROR(CheckKeys(
        c, path,
        {"registration", "instructor", "team", "contextActivities", "contextAgents",
         "contextGroups", "revision", "platform", "language", "statement", "extensions"}));
  }
  LRS_RETURN_IF_ERROR(IfPresent(c, "registration", path, CheckUuid));
  LRS_RETURN_IF_ERROR(IfPresent(c, "instructor", path, CheckInstructor));
  LRS_RETURN_IF_ERROR(IfPresent(c, "team", path, CheckTeam));
  LRS_RETURN_IF_ERROR(IfPresent(c, "contextActivities", path, ValidateContextActivities));
  for (std::string_view key : {"revision", "platform"}) {
    LRS_RETURN_IF_ERROR(IfPresent(c, key, path, CheckString));
    if (c.contains(key) && !object_is_activity) {
      return Fail(Child(path, key), "may only be used when the statement's object is an Activity");
    }
  }
  LRS_RETURN_IF_ERROR(IfPresent(c, "language", path, CheckLanguageTag));
  LRS_RETURN_IF_ERROR(IfPresent(c, "statement", path, ValidateStatementRef));
  LRS_RETURN_IF_ERROR(IfPresent(c, "extensions", path, CheckExtensions));
  LRS_RETURN_IF_ERROR(IfPresent(c, "contextAgents", path, [](const json::value& a, std::string p) {
    return ValidateContextActorList(a, p, "contextAgent", "agent", ActorRole::kMember);
  }));
  return IfPresent(c, "contextGroups", path, [](const json::value& a, std::string p) {
    return ValidateContextActorList(a, p, "contextGroup", "group", ActorRole::kTeam);
  });
}

}  // namespace lrs::xapi::internal
