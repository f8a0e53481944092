// What /admin and /me share: reading JSON bodies, splitting paths, and the
// JSON shapes of learners, grants and audit entries (docs/CONSENT.md,
// schema/openapi.yaml). Responses are plain JSON; errors use the xAPI error
// body so every client handles one shape.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "lrs/consent/grant.h"
#include "lrs/http/message.h"
#include "lrs/http/router.h"
#include "lrs/store/account_store.h"
#include "lrs/store/audit_store.h"
#include "lrs/store/grant_store.h"

namespace lrs::http {

// The path below `root` split at '/', e.g. "/admin/learners/L/identities"
// under "/admin" is {"learners", "L", "identities"}. UUID segments come
// back in lowercase.
std::vector<std::string> PathSegments(std::string_view path, std::string_view root);

// The request body as a JSON object; InvalidArgument naming "request body".
Result<boost::json::object> JsonObjectBody(const RequestContext& ctx);

Response ConsentJson(const RequestContext& ctx, bhttp::status status, const boost::json::value& body);
Response ConsentError(const RequestContext& ctx, const Status& status);
Response NoContent(const RequestContext& ctx);

boost::json::object LearnerToJson(const store::Learner& learner);
// The grant as the learner sees it: the grant's fields plus id, created and
// status (live, expired, revoked, replaced) at `now`.
Result<boost::json::object> GrantView(const store::StoredGrant& grant, Micros now);
// GET .../audit: a page of `learner`'s audit log (limit, before) with the
// `more` link built on `base_path`.
Response AuditPage(const RequestContext& ctx, Services& services, const std::string& learner,
                   const std::string& base_path);

// A new secret: 32 random bytes, base64url.
std::string NewSecret();

}  // namespace lrs::http
