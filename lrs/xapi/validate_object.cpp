// Verbs and statement objects: Activities with their definitions and
// interaction components, StatementRefs, and SubStatements.
#include <set>
#include <string>

#include "lrs/xapi/validate.h"
#include "lrs/xapi/validate_internal.h"

namespace lrs::xapi::internal {
namespace {

constexpr std::string_view kInteractionTypes[] = {
    "true-false",  "choice",     "fill-in", "long-fill-in", "matching",
    "performance", "sequencing", "likert",  "numeric",      "other"};

// Properties that only make sense for an interaction; any of them requires
// interactionType (Data 2.4.4.1.s8).
constexpr std::string_view kInteractionProperties[] = {
    "correctResponsesPattern", "choices", "scale", "source", "target", "steps"};

Status ValidateInteractionType(const json::value& v, std::string_view path) {
  if (v.is_string()) {
    for (std::string_view t : kInteractionTypes) {
      if (v.get_string() == t) return Status::Ok();
    }
  }
  return Fail(path,
              "must be one of true-false, choice, fill-in, long-fill-in, matching, performance, "
              "sequencing, likert, numeric, other");
}

Status ValidateStringArray(const json::value& v, std::string_view path) {
  if (!v.is_array()) return Fail(path, "must be an array of strings");
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i) LRS_RETURN_IF_ERROR(CheckString(a[i], Index(path, i)));
  return Status::Ok();
}

// An array of interaction components: {id, description}, ids distinct.
Status ValidateComponents(const json::value& v, std::string_view path) {
  if (!v.is_array()) return Fail(path, "must be an array of interaction components");
  const auto& a = v.get_array();
  std::set<std::string_view> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    std::string p = Index(path, i);
    LRS_RETURN_IF_ERROR(CheckObject(a[i], p));
    const auto& c = a[i].get_object();
    LRS_RETURN_IF_ERROR(CheckKeys(c, p, {"id", "description"}));
    LRS_RETURN_IF_ERROR(Require(c, "id", p));
    LRS_RETURN_IF_ERROR(CheckString(c.at("id"), Child(p, "id")));
    if (!ids.insert(c.at("id").get_string()).second) {
      return Fail(Child(p, "id"), "interaction component ids must be distinct");
    }
    LRS_RETURN_IF_ERROR(IfPresent(c, "description", p, CheckLanguageMap));
  }
  return Status::Ok();
}

Status ValidateDefinition(const json::value& v, std::string_view path) {
  LRS_RETURN_IF_ERROR(CheckObject(v, path));
  const auto& d = v.get_object();
  LRS_RETURN_IF_ERROR(
      CheckKeys(d, path,
                {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                 "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}));
  LRS_RETURN_IF_ERROR(IfPresent(d, "name", path, CheckLanguageMap));
  LRS_RETURN_IF_ERROR(IfPresent(d, "description", path, CheckLanguageMap));
  LRS_RETURN_IF_ERROR(IfPresent(d, "type", path, CheckIri));
  LRS_RETURN_IF_ERROR(IfPresent(d, "moreInfo", path, CheckIri));
  LRS_RETURN_IF_ERROR(IfPresent(d, "extensions", path, CheckExtensions));
  LRS_RETURN_IF_ERROR(IfPresent(d, "interactionType", path, ValidateInteractionType));
  LRS_RETURN_IF_ERROR(IfPresent(d, "correctResponsesPattern", path, ValidateStringArray));
  for (std::string_view key : {"choices", "scale", "source", "target", "steps"}) {
    LRS_RETURN_IF_ERROR(IfPresent(d, key, path, ValidateComponents));
  }
  if (!d.contains("interactionType")) {
    for (std::string_view key : kInteractionProperties) {
      if (d.contains(key)) return Fail(Child(path, key), "requires definition.interactionType");
    }
  }
  return Status::Ok();
}

// Without objectType an object is an Activity; one carrying an identifier or
// members was meant as an Agent or Group, and saying so beats "mbox is not
// allowed".
bool LooksLikeActor(const json::object& o) {
  for (std::string_view key : {"mbox", "mbox_sha1sum", "openid", "account", "member"}) {
    if (o.contains(key)) return true;
  }
  return false;
}

Status ValidateSubStatement(const json::object& o, std::string_view path, Version version) {
  for (std::string_view key : {"id", "stored", "version", "authority"}) {
    if (o.contains(key)) return Fail(Child(path, key), "is not allowed in a SubStatement");
  }
  LRS_RETURN_IF_ERROR(CheckKeys(
      o, path,
      {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}));
  return ValidateStatementCore(o, path, version, /*is_substatement=*/true);
}

}  // namespace

Status ValidateVerb(const json::value& v, std::string_view path) {
  if (!v.is_object()) return Fail(path, "must be a Verb object");
  const auto& o = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(o, path, {"id", "display"}));
  LRS_RETURN_IF_ERROR(Require(o, "id", path));
  LRS_RETURN_IF_ERROR(CheckIri(o.at("id"), Child(path, "id")));
  return IfPresent(o, "display", path, CheckLanguageMap);
}

Status ValidateActivity(const json::value& v, std::string_view path) {
  if (!v.is_object()) return Fail(path, "must be an Activity object");
  const auto& o = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(o, path, {"objectType", "id", "definition"}));
  if (const json::value* t = o.if_contains("objectType")) {
    if (!t->is_string() || t->get_string() != "Activity") {
      return Fail(Child(path, "objectType"), "must be \"Activity\"");
    }
  }
  LRS_RETURN_IF_ERROR(Require(o, "id", path));
  LRS_RETURN_IF_ERROR(CheckIri(o.at("id"), Child(path, "id")));
  return IfPresent(o, "definition", path, ValidateDefinition);
}

Status ValidateStatementRef(const json::value& v, std::string_view path) {
  if (!v.is_object()) return Fail(path, "must be a StatementRef object");
  const auto& o = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(o, path, {"objectType", "id"}));
  const json::value* t = o.if_contains("objectType");
  if (!t || !t->is_string() || t->get_string() != "StatementRef") {
    return Fail(Child(path, "objectType"), "must be \"StatementRef\"");
  }
  LRS_RETURN_IF_ERROR(Require(o, "id", path));
  return CheckUuid(o.at("id"), Child(path, "id"));
}

bool IsActivityObject(const json::value& object) {
  if (!object.is_object()) return false;
  const json::value* t = object.get_object().if_contains("objectType");
  return !t || (t->is_string() && t->get_string() == "Activity");
}

Status ValidateObject(const json::value& v, std::string_view path, Version version,
                      bool in_substatement) {
  if (!v.is_object()) return Fail(path, "must be an object");
  const auto& o = v.get_object();
  const json::value* t = o.if_contains("objectType");
  std::string tp = Child(path, "objectType");
  if (!t && LooksLikeActor(o)) return Fail(tp, "is required when the object is an Agent or Group");
  if (!t || (t->is_string() && t->get_string() == "Activity")) return ValidateActivity(v, path);
  if (!t->is_string()) return Fail(tp, "must be a string");
  std::string_view type = t->get_string();
  if (type == "Agent" || type == "Group") return ValidateActor(v, path, ActorRole::kObject);
  if (type == "StatementRef") return ValidateStatementRef(v, path);
  if (type == "SubStatement") {
    if (in_substatement) return Fail(tp, "a SubStatement must not contain a SubStatement");
    return ValidateSubStatement(o, path, version);
  }
  return Fail(tp, "must be one of Activity, Agent, Group, StatementRef, SubStatement");
}

}  // namespace lrs::xapi::internal
