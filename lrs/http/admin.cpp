// /admin: the operator's endpoints (docs/CONSENT.md, schema/openapi.yaml):
// organisations and their credentials, learners and their identities,
// a learner's audit log and erasure; backups (backups.cpp). The router
// lets only an operator credential with "all" in.
#include <boost/json.hpp>

#include "lrs/base/encoding.h"
#include "lrs/http/consent_json.h"
#include "lrs/http/handlers.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/validate.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

constexpr std::string_view kScopes[] = {"statements/write", "statements/read", "statements/read/mine",
                                        "state", "profile", "define", "all/read", "all"};
const std::vector<std::string> kLearnerScopes = {"statements/write", "statements/read", "state", "profile"};

Status OnlyFields(const json::object& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : body) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return Status::InvalidArgument(std::string(kv.key()) + ": not a field of this request");
    }
  }
  return Status::Ok();
}

// A required (or optional, then "" when absent) display name.
Result<std::string> NameField(const json::object& body, bool required) {
  const json::value* name = body.if_contains("name");
  if (!name) {
    if (required) return Status::InvalidArgument("name: required");
    return std::string();
  }
  if (!name->is_string() || name->get_string().empty() || name->get_string().size() > 200) {
    return Status::InvalidArgument("name: must be a non-empty string of at most 200 bytes");
  }
  return std::string(name->get_string());
}

// An identity: an Agent with exactly one IFI.
Status CheckIdentity(const json::value& agent, const std::string& where) {
  if (!agent.is_object()) return Status::InvalidArgument(where + ": must be an Agent object");
  return xapi::ValidateAgentParameter(agent, /*allow_group=*/false, where);
}

Result<std::vector<std::string>> ScopesField(const json::object& body) {
  const json::value* scopes = body.if_contains("scopes");
  if (!scopes) return Status::InvalidArgument("scopes: required");
  if (!scopes->is_array() || scopes->get_array().empty()) {
    return Status::InvalidArgument("scopes: must be a non-empty array of xAPI scopes");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < scopes->get_array().size(); ++i) {
    const json::value& s = scopes->get_array()[i];
    bool known = s.is_string() && std::find(std::begin(kScopes), std::end(kScopes), s.get_string()) != std::end(kScopes);
    if (!known) return Status::InvalidArgument("scopes[" + std::to_string(i) + "]: not an xAPI scope");
    out.emplace_back(s.get_string());
  }
  return out;
}

Response CreateOrganisation(RequestContext& ctx, Services& services) {
  auto body = JsonObjectBody(ctx);
  if (!body.ok()) return ConsentError(ctx, body.status());
  if (Status s = OnlyFields(*body, {"name"}); !s.ok()) return ConsentError(ctx, s);
  auto name = NameField(*body, true);
  if (!name.ok()) return ConsentError(ctx, name.status());
  auto org = services.accounts->CreateOrganisation(*name);
  if (!org.ok()) return ConsentError(ctx, org.status());
  return ConsentJson(ctx, bhttp::status::created,
                     json::object{{"id", org->id}, {"name", org->name}, {"created", FormatTimestampMillis(org->created)}});
}

Response ListOrganisations(RequestContext& ctx, Services& services) {
  auto orgs = services.accounts->ListOrganisations();
  if (!orgs.ok()) return ConsentError(ctx, orgs.status());
  json::array list;
  for (const auto& o : *orgs) {
    list.push_back(json::object{{"id", o.id}, {"name", o.name}, {"created", FormatTimestampMillis(o.created)}});
  }
  return ConsentJson(ctx, bhttp::status::ok, json::object{{"organisations", std::move(list)}});
}

Response CreateOrganisationCredential(RequestContext& ctx, Services& services, const std::string& org_id) {
  auto org = services.accounts->GetOrganisation(org_id);
  if (!org.ok()) return ConsentError(ctx, org.status());
  auto body = JsonObjectBody(ctx);
  if (!body.ok()) return ConsentError(ctx, body.status());
  if (Status s = OnlyFields(*body, {"scopes", "name"}); !s.ok()) return ConsentError(ctx, s);
  auto scopes = ScopesField(*body);
  if (!scopes.ok()) return ConsentError(ctx, scopes.status());
  auto name = NameField(*body, false);
  if (!name.ok()) return ConsentError(ctx, name.status());
  store::Credential c;
  c.key = HexEncode(RandomBytes(12));
  c.name = name->empty() ? org->name : *name;
  c.scopes = *scopes;
  c.organisation = org->id;
  std::string secret = NewSecret();
  if (Status s = services.credentials->Put(c, secret); !s.ok()) return ConsentError(ctx, s);
  json::array scope_list(c.scopes.begin(), c.scopes.end());
  return ConsentJson(ctx, bhttp::status::created,
                     json::object{{"key", c.key}, {"secret", secret}, {"organisation", org->id},
                                  {"name", c.name}, {"scopes", std::move(scope_list)}});
}

Response CreateLearner(RequestContext& ctx, Services& services) {
  auto body = JsonObjectBody(ctx);
  if (!body.ok()) return ConsentError(ctx, body.status());
  if (Status s = OnlyFields(*body, {"name", "identities"}); !s.ok()) return ConsentError(ctx, s);
  auto name = NameField(*body, true);
  if (!name.ok()) return ConsentError(ctx, name.status());
  std::vector<json::object> identities;
  if (const json::value* list = body->if_contains("identities")) {
    if (!list->is_array()) return ConsentError(ctx, Status::InvalidArgument("identities: must be an array of Agents"));
    for (size_t i = 0; i < list->get_array().size(); ++i) {
      const json::value& agent = list->get_array()[i];
      if (Status s = CheckIdentity(agent, "identities[" + std::to_string(i) + "]"); !s.ok()) return ConsentError(ctx, s);
      identities.push_back(agent.get_object());
    }
  }
  store::Credential c;
  c.key = HexEncode(RandomBytes(12));
  c.name = *name;
  c.scopes = kLearnerScopes;
  auto learner = services.accounts->CreateLearner(*name, c.key, identities);
  if (!learner.ok()) return ConsentError(ctx, learner.status());
  c.learner = learner->id;
  std::string secret = NewSecret();
  if (Status s = services.credentials->Put(c, secret); !s.ok()) return ConsentError(ctx, s);
  json::object out = LearnerToJson(*learner);
  out["key"] = c.key;
  out["secret"] = secret;
  return ConsentJson(ctx, bhttp::status::created, out);
}

Response LinkIdentity(RequestContext& ctx, Services& services, const std::string& learner_id) {
  auto v = JsonObjectBody(ctx);
  if (!v.ok()) return ConsentError(ctx, v.status());
  json::value agent(std::move(*v));
  if (Status s = CheckIdentity(agent, "identity"); !s.ok()) return ConsentError(ctx, s);
  auto learner = services.accounts->LinkIdentity(learner_id, agent.get_object());
  if (!learner.ok()) return ConsentError(ctx, learner.status());
  return ConsentJson(ctx, bhttp::status::ok, LearnerToJson(*learner));
}

Response Learners(RequestContext& ctx, Services& services, const std::vector<std::string>& seg) {
  auto m = ctx.request.method();
  if (seg.size() == 1 && m == bhttp::verb::post) return CreateLearner(ctx, services);
  if (seg.size() < 2) return ConsentError(ctx, Status::NotFound("no resource at " + ctx.path));
  const std::string& id = seg[1];
  if (seg.size() == 2 && m == bhttp::verb::get) {
    auto learner = services.accounts->GetLearner(id);
    if (!learner.ok()) return ConsentError(ctx, learner.status());
    return ConsentJson(ctx, bhttp::status::ok, LearnerToJson(*learner));
  }
  if (seg.size() == 2 && m == bhttp::verb::delete_) {
    auto erased = services.erasure->EraseLearner(id, {"operator", ctx.credential.key});
    if (!erased.ok()) return ConsentError(ctx, erased.status());
    return NoContent(ctx);
  }
  if (seg.size() == 3 && seg[2] == "identities" && m == bhttp::verb::post) return LinkIdentity(ctx, services, id);
  if (seg.size() == 3 && seg[2] == "export" && m == bhttp::verb::get) return HandleExport(ctx, services, id);
  if (seg.size() == 3 && seg[2] == "audit" && m == bhttp::verb::get) {
    auto learner = services.accounts->GetLearner(id);
    if (!learner.ok()) return ConsentError(ctx, learner.status());
    return AuditPage(ctx, services, id, "/admin/learners/" + id + "/audit");
  }
  return ConsentError(ctx, Status::NotFound("no resource at " + ctx.path + " for " + std::string(ctx.request.method_string())));
}

Response Organisations(RequestContext& ctx, Services& services, const std::vector<std::string>& seg) {
  auto m = ctx.request.method();
  if (seg.size() == 1 && m == bhttp::verb::post) return CreateOrganisation(ctx, services);
  if (seg.size() == 1 && m == bhttp::verb::get) return ListOrganisations(ctx, services);
  if (seg.size() == 2 && m == bhttp::verb::get) {
    auto org = services.accounts->GetOrganisation(seg[1]);
    if (!org.ok()) return ConsentError(ctx, org.status());
    return ConsentJson(ctx, bhttp::status::ok,
                       json::object{{"id", org->id}, {"name", org->name}, {"created", FormatTimestampMillis(org->created)}});
  }
  if (seg.size() == 3 && seg[2] == "credentials" && m == bhttp::verb::post) {
    return CreateOrganisationCredential(ctx, services, seg[1]);
  }
  return ConsentError(ctx, Status::NotFound("no resource at " + ctx.path + " for " + std::string(ctx.request.method_string())));
}

}  // namespace

Response HandleAdmin(RequestContext& ctx, Services& services) {
  auto seg = PathSegments(ctx.path, "/admin");
  if (!seg.empty() && seg[0] == "organisations") return Organisations(ctx, services, seg);
  if (!seg.empty() && seg[0] == "learners") return Learners(ctx, services, seg);
  if (seg.size() == 1 && seg[0] == "backups") return HandleBackups(ctx, services);
  return ConsentError(ctx, Status::NotFound("no resource at " + ctx.path));
}

}  // namespace lrs::http
