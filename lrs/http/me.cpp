// /me: a learner's own endpoints (docs/CONSENT.md): the account, consent
// grants (make, list, revoke), the audit log of who read the record, and
// erasure. The router lets only a learner's credential in.
#include <boost/json.hpp>

#include "lrs/base/encoding.h"
#include "lrs/consent/grant.h"
#include "lrs/http/consent_json.h"
#include "lrs/http/handlers.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

Response MakeGrant(RequestContext& ctx, Services& services, const std::string& learner) {
  auto body = JsonObjectBody(ctx);
  if (!body.ok()) return ConsentError(ctx, body.status());
  auto grant = consent::ParseGrant(json::value(std::move(*body)));
  if (!grant.ok()) return ConsentError(ctx, grant.status());
  if (grant->expires && *grant->expires <= NowMicros()) {
    return ConsentError(ctx, Status::InvalidArgument("expires: must be in the future"));
  }
  auto org = services.accounts->GetOrganisation(grant->organisation);
  if (!org.ok()) {
    if (org.status().Is(Status::Code::kNotFound)) {
      return ConsentError(ctx, Status::InvalidArgument("organisation: no organisation with that id"));
    }
    return ConsentError(ctx, org.status());
  }
  store::StoredGrant stored;
  stored.id = FormatUuid(RandomUuidV4());
  stored.learner = learner;
  stored.organisation = grant->organisation;
  stored.body = json::serialize(consent::GrantToJson(*grant));
  stored.created = NowMicros();
  stored.expires = grant->expires;
  if (Status s = services.grants->Create(stored, grant->replaces); !s.ok()) {
    if (s.Is(Status::Code::kNotFound)) return ConsentError(ctx, Status::InvalidArgument("replaces: no grant of yours with that id"));
    return ConsentError(ctx, s);
  }
  auto view = GrantView(stored, stored.created);
  if (!view.ok()) return ConsentError(ctx, view.status());
  return ConsentJson(ctx, bhttp::status::created, *view);
}

Response ListGrants(RequestContext& ctx, Services& services, const std::string& learner) {
  auto grants = services.grants->ListForLearner(learner);
  if (!grants.ok()) return ConsentError(ctx, grants.status());
  Micros now = NowMicros();
  json::array list;
  for (const auto& g : *grants) {
    auto view = GrantView(g, now);
    if (!view.ok()) return ConsentError(ctx, view.status());
    list.push_back(std::move(*view));
  }
  return ConsentJson(ctx, bhttp::status::ok, json::object{{"grants", std::move(list)}});
}

Response OneGrant(RequestContext& ctx, Services& services, const std::string& learner, const std::string& id) {
  auto m = ctx.request.method();
  if (m == bhttp::verb::delete_) {
    if (Status s = services.grants->Revoke(learner, id, NowMicros()); !s.ok()) return ConsentError(ctx, s);
    return NoContent(ctx);
  }
  if (m != bhttp::verb::get) return ConsentError(ctx, Status::InvalidArgument("method not allowed on " + ctx.path));
  auto grant = services.grants->Get(learner, id);
  if (!grant.ok()) return ConsentError(ctx, grant.status());
  auto view = GrantView(*grant, NowMicros());
  if (!view.ok()) return ConsentError(ctx, view.status());
  return ConsentJson(ctx, bhttp::status::ok, *view);
}

}  // namespace

Response HandleMe(RequestContext& ctx, Services& services) {
  const std::string& learner = ctx.view->learner();
  auto seg = PathSegments(ctx.path, "/me");
  auto m = ctx.request.method();
  if (seg.empty()) {
    if (m == bhttp::verb::get) {
      auto record = services.accounts->GetLearner(learner);
      if (!record.ok()) return ConsentError(ctx, record.status());
      return ConsentJson(ctx, bhttp::status::ok, LearnerToJson(*record));
    }
    if (m == bhttp::verb::delete_) {
      auto erased = services.erasure->EraseLearner(learner, {"learner", ctx.credential.key});
      if (!erased.ok()) return ConsentError(ctx, erased.status());
      return NoContent(ctx);
    }
  } else if (seg[0] == "grants" && seg.size() == 1) {
    if (m == bhttp::verb::post) return MakeGrant(ctx, services, learner);
    if (m == bhttp::verb::get) return ListGrants(ctx, services, learner);
  } else if (seg[0] == "grants" && seg.size() == 2) {
    return OneGrant(ctx, services, learner, seg[1]);
  } else if (seg[0] == "export" && seg.size() == 1 && m == bhttp::verb::get) {
    return HandleExport(ctx, services, learner);
  } else if (seg[0] == "import" && seg.size() == 1 && m == bhttp::verb::post) {
    return HandleImport(ctx, services, learner);
  } else if (seg[0] == "provenance" && seg.size() == 1 && m == bhttp::verb::get) {
    return HandleProvenance(ctx, services, learner);
  } else if (seg[0] == "audit" && seg.size() == 1 && m == bhttp::verb::get) {
    return AuditPage(ctx, services, learner, "/me/audit");
  } else {
    return ConsentError(ctx, Status::NotFound("no resource at " + ctx.path));
  }
  return ConsentError(ctx, Status::InvalidArgument("method not allowed on " + ctx.path));
}

}  // namespace lrs::http
