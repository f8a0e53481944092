// GET /xapi/agents (the Person object for an agent) and GET /xapi/activities
// (an activity's stored definition).
#include <boost/json.hpp>

#include "lrs/base/json.h"
#include "lrs/consent/audit.h"
#include "lrs/http/handlers.h"
#include "lrs/xapi/validate.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

Status OnlyParam(const QueryParams& params, std::string_view name) {
  for (const auto& [k, v] : params.items()) {
    if (k != name) return Status::InvalidArgument(k + ": not a parameter of this resource");
  }
  if (params.Count(name) > 1) return Status::InvalidArgument(std::string(name) + ": given more than once");
  if (!params.Find(name)) return Status::InvalidArgument(std::string(name) + ": required");
  return Status::Ok();
}

}  // namespace

namespace {

Status AuditOne(const RequestContext& ctx, Services& services, const char* kind, uint64_t part) {
  consent::AuditTrail trail(*ctx.view, kind);
  trail.Count(part);
  return CommitAudit(ctx, services, trail);
}

// The learner owning the agent's partition, when this view may see them whole.
Result<std::optional<store::Learner>> VisibleLearner(const RequestContext& ctx, Services& services,
                                                     const std::string& ifi_key, uint64_t* part) {
  auto found = services.documents->PartitionOf({store::DocumentKind::kAgentProfile, ifi_key, "", std::nullopt});
  if (!found.ok()) return found.status();
  if (!found->has_value()) return std::optional<store::Learner>();
  *part = **found;
  auto owner = services.accounts->OwnerOf(*part);
  if (!owner.ok()) return owner.status();
  if (!owner->has_value()) return std::optional<store::Learner>();
  auto sees = ctx.view->SeesLearnerOf(*part);
  if (!sees.ok()) return sees.status();
  if (!*sees) return std::optional<store::Learner>();
  auto learner = services.accounts->GetLearner(**owner);
  if (!learner.ok()) return learner.status();
  return std::optional<store::Learner>(std::move(*learner));
}

const json::value* DefinitionOf(const json::value& statement) {
  const json::value* object = statement.is_object() ? statement.get_object().if_contains("object") : nullptr;
  return object && object->is_object() ? object->get_object().if_contains("definition") : nullptr;
}

void AddToPerson(json::object& person, const json::object& agent) {
  for (const char* field : {"name", "mbox", "mbox_sha1sum", "openid", "account"}) {
    auto it = agent.find(field);
    if (it == agent.end()) continue;
    json::value& list = person[field];
    if (!list.is_array()) list = json::array();
    auto& values = list.get_array();
    if (std::find(values.begin(), values.end(), it->value()) == values.end()) values.push_back(it->value());
  }
}

}  // namespace

// The Person of an agent: every identity of the learner holding it, for
// those the read rule lets see that learner; otherwise only the identity
// asked about, exactly as for an agent nobody holds.
Response HandleAgents(RequestContext& ctx, Services& services) {
  if (Status s = OnlyParam(ctx.params, "agent"); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  const std::string& text = *ctx.params.Find("agent");
  auto key = AgentParamKey(text, /*allow_group=*/false);
  if (!key.ok()) return ErrorResponse(ctx.request, key.status(), ctx.version);
  json::object person{{"objectType", "Person"}};
  uint64_t part = 0;
  auto learner = VisibleLearner(ctx, services, *key, &part);
  if (!learner.ok()) return ErrorResponse(ctx.request, learner.status(), ctx.version);
  if (*learner) {
    for (const auto& identity : (*learner)->identities) AddToPerson(person, identity.agent);
    if (Status s = AuditOne(ctx, services, "agents", part); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  } else {
    AddToPerson(person, ParseJson(text, "agent")->get_object());  // AgentParamKey checked it
  }
  return JsonResponse(ctx, bhttp::status::ok, json::serialize(person));
}

// The operator sees the definition merged from every statement; everyone
// else the one in the newest statement the read rule shows them.
Response HandleActivities(RequestContext& ctx, Services& services) {
  if (Status s = OnlyParam(ctx.params, "activityId"); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  const std::string& id = *ctx.params.Find("activityId");
  if (!xapi::IsIri(id)) {
    return ErrorResponse(ctx.request, Status::InvalidArgument("activityId: must be an IRI"), ctx.version);
  }
  json::object activity{{"objectType", "Activity"}, {"id", id}};
  auto scopes = ctx.view->StatementScopes();
  if (!scopes) {
    auto stored = services.statements->GetActivity(id);
    if (stored.ok()) return JsonResponse(ctx, bhttp::status::ok, std::move(*stored));
    if (!stored.status().Is(Status::Code::kNotFound)) return ErrorResponse(ctx.request, stored.status(), ctx.version);
    return JsonResponse(ctx, bhttp::status::ok, json::serialize(activity));
  }
  // The newest visible statement about it that carries a definition (a
  // bounded look back: most statements about an activity repeat it).
  store::StatementQuery q;
  q.scopes = std::move(scopes);
  q.terms.push_back({xapi::TermKind::kActivity, id});
  q.limit = 20;
  auto page = services.statements->Query(q);
  if (!page.ok()) return ErrorResponse(ctx.request, page.status(), ctx.version);
  for (const auto& candidate : page->statements) {
    auto statement = ParseJson(candidate.json, "stored statement");
    const json::value* definition = statement.ok() ? DefinitionOf(*statement) : nullptr;
    if (!definition) continue;
    activity["definition"] = *definition;
    if (Status s = AuditOne(ctx, services, "activities", candidate.part); !s.ok()) {
      return ErrorResponse(ctx.request, s, ctx.version);
    }
    break;
  }
  return JsonResponse(ctx, bhttp::status::ok, json::serialize(activity));
}

}  // namespace lrs::http
