// GET /xapi/agents (the Person object for an agent) and GET /xapi/activities
// (an activity's stored definition).
#include <boost/json.hpp>

#include "lrs/base/json.h"
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

// Until learner accounts join identities (issue 4), the Person is the one
// identity asked about, with its name when the request gave one.
Response HandleAgents(RequestContext& ctx, Services&) {
  if (Status s = OnlyParam(ctx.params, "agent"); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  const std::string& text = *ctx.params.Find("agent");
  auto key = AgentParamKey(text, /*allow_group=*/false);
  if (!key.ok()) return ErrorResponse(ctx.request, key.status(), ctx.version);
  json::object agent = ParseJson(text, "agent")->get_object();  // AgentParamKey checked it
  json::object person{{"objectType", "Person"}};
  for (const char* ifi : {"name", "mbox", "mbox_sha1sum", "openid", "account"}) {
    if (auto it = agent.find(ifi); it != agent.end()) person[ifi] = json::array{it->value()};
  }
  return JsonResponse(ctx, bhttp::status::ok, json::serialize(person));
}

Response HandleActivities(RequestContext& ctx, Services& services) {
  if (Status s = OnlyParam(ctx.params, "activityId"); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  const std::string& id = *ctx.params.Find("activityId");
  if (!xapi::IsIri(id)) {
    return ErrorResponse(ctx.request, Status::InvalidArgument("activityId: must be an IRI"), ctx.version);
  }
  auto stored = services.statements->GetActivity(id);
  if (stored.ok()) return JsonResponse(ctx, bhttp::status::ok, std::move(*stored));
  if (!stored.status().Is(Status::Code::kNotFound)) {
    return ErrorResponse(ctx.request, stored.status(), ctx.version);
  }
  json::object activity{{"objectType", "Activity"}, {"id", id}};
  return JsonResponse(ctx, bhttp::status::ok, json::serialize(activity));
}

}  // namespace lrs::http
