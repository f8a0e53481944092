// Agents and Groups: inverse functional identifiers, Group membership, and
// the shapes an actor may take depending on where it appears (actor, object,
// team, member, authority).
#include <string>

#include "lrs/xapi/validate.h"
#include "lrs/xapi/validate_internal.h"

namespace lrs::xapi::internal {
namespace {

constexpr std::string_view kIfis[] = {"mbox", "mbox_sha1sum", "openid", "account"};

bool IsSha1Hex(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// mailto:local@domain, with both parts present.
bool IsMailtoIri(std::string_view s) {
  constexpr std::string_view kScheme = "mailto:";
  if (s.substr(0, kScheme.size()) != kScheme || !IsIri(s)) return false;
  std::string_view addr = s.substr(kScheme.size());
  size_t at = addr.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < addr.size();
}

Status ValidateAccount(const json::value& v, std::string_view path) {
  LRS_RETURN_IF_ERROR(CheckObject(v, path));
  const auto& o = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(o, path, {"homePage", "name"}));
  LRS_RETURN_IF_ERROR(Require(o, "homePage", path));
  LRS_RETURN_IF_ERROR(Require(o, "name", path));
  LRS_RETURN_IF_ERROR(CheckIri(o.at("homePage"), Child(path, "homePage")));
  return CheckString(o.at("name"), Child(path, "name"));
}

// Checks the form of each IFI present and counts them.
Status ValidateIfis(const json::object& o, std::string_view path, int* count) {
  *count = 0;
  for (std::string_view key : kIfis) {
    const json::value* v = o.if_contains(key);
    if (!v) continue;
    ++*count;
    std::string p = Child(path, key);
    if (key == "mbox") {
      if (!v->is_string() || !IsMailtoIri(v->get_string())) {
        return Fail(p, "must be a mailto IRI (mailto:name@host)");
      }
    } else if (key == "mbox_sha1sum") {
      if (!v->is_string() || !IsSha1Hex(v->get_string())) {
        return Fail(p, "must be the 40-digit hex SHA-1 of a mailto IRI");
      }
    } else if (key == "openid") {
      LRS_RETURN_IF_ERROR(CheckIri(*v, p));
    } else {
      LRS_RETURN_IF_ERROR(ValidateAccount(*v, p));
    }
  }
  return Status::Ok();
}

Status ValidateAgent(const json::object& o, std::string_view path) {
  LRS_RETURN_IF_ERROR(
      CheckKeys(o, path, {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}));
  LRS_RETURN_IF_ERROR(IfPresent(o, "name", path, CheckString));
  int ifis = 0;
  LRS_RETURN_IF_ERROR(ValidateIfis(o, path, &ifis));
  if (ifis != 1) {
    return Fail(path, "an Agent must have exactly one of mbox, mbox_sha1sum, openid, account");
  }
  return Status::Ok();
}

Status ValidateMembers(const json::value& v, std::string_view path, bool required) {
  if (!v.is_array()) return Fail(path, "must be an array of Agents");
  const auto& members = v.get_array();
  if (required && members.empty()) return Fail(path, "an anonymous Group must list its members");
  for (size_t i = 0; i < members.size(); ++i) {
    LRS_RETURN_IF_ERROR(ValidateActor(members[i], Index(path, i), ActorRole::kMember));
  }
  return Status::Ok();
}

// An OAuth authority Group pairs the consumer application (identified by
// account, per the spec's OAuth section) with the user: anonymous, two members.
Status ValidateOAuthGroup(const json::object& o, std::string_view path) {
  std::string mp = Child(path, "member");
  const auto& members = o.at("member").get_array();
  if (members.size() != 2) {
    return Fail(mp, "an authority Group must have exactly two members (OAuth consumer and user)");
  }
  for (const auto& m : members) {
    if (m.get_object().contains("account")) return Status::Ok();
  }
  return Fail(mp, "an authority Group must include the OAuth consumer, identified by account");
}

Status ValidateGroup(const json::object& o, std::string_view path, ActorRole role) {
  LRS_RETURN_IF_ERROR(CheckKeys(
      o, path, {"objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"}));
  LRS_RETURN_IF_ERROR(IfPresent(o, "name", path, CheckString));
  int ifis = 0;
  LRS_RETURN_IF_ERROR(ValidateIfis(o, path, &ifis));
  if (ifis > 1) {
    return Fail(path, "a Group must not have more than one of mbox, mbox_sha1sum, openid, account");
  }
  const bool anonymous = ifis == 0;
  if (anonymous) LRS_RETURN_IF_ERROR(Require(o, "member", path));
  LRS_RETURN_IF_ERROR(IfPresent(o, "member", path, [&](const json::value& v, std::string p) {
    return ValidateMembers(v, p, anonymous);
  }));
  if (role == ActorRole::kAuthority) {
    if (!anonymous) return Fail(path, "an authority Group must be anonymous (no identifier)");
    return ValidateOAuthGroup(o, path);
  }
  return Status::Ok();
}

}  // namespace

Status ValidateActor(const json::value& v, std::string_view path, ActorRole role) {
  if (!v.is_object()) return Fail(path, "must be an Agent or Group object");
  const auto& o = v.get_object();
  // An absent objectType means Agent; an empty one is simply wrong.
  std::string_view type = "Agent";
  const json::value* t = o.if_contains("objectType");
  if (t) {
    if (!t->is_string()) return Fail(Child(path, "objectType"), "must be a string");
    type = t->get_string();
  }
  std::string tp = Child(path, "objectType");
  switch (role) {
    case ActorRole::kMember:
      if (type != "Agent") return Fail(tp, "a member must be an Agent");
      return ValidateAgent(o, path);
    case ActorRole::kTeam:
      if (type != "Group") return Fail(tp, "must be \"Group\"");
      return ValidateGroup(o, path, role);
    case ActorRole::kObject:
      if (!t) return Fail(tp, "is required when the object is an Agent or Group");
      break;
    default:
      break;
  }
  if (type == "Agent") return ValidateAgent(o, path);
  if (type == "Group") return ValidateGroup(o, path, role);
  return Fail(tp, "must be \"Agent\" or \"Group\"");
}

}  // namespace lrs::xapi::internal
