// The endpoint handlers: plain functions of a RequestContext (authenticated,
// version chosen) to a Response. Each validates its own parameters and names
// the offending one in its 400.
#pragma once

#include "lrs/consent/audit.h"
#include "lrs/http/message.h"
#include "lrs/http/router.h"

namespace lrs::http {

Response HandleAbout(const Request& request, std::optional<xapi::Version> version, const Services& services);
// GET /healthz (any credential) and GET /metrics (the operator's, or one
// with the "metrics" scope): operations.cpp.
Response HandleOperations(RequestContext& ctx, Services& services);
Response HandlePutStatement(RequestContext& ctx, Services& services);
Response HandlePostStatements(RequestContext& ctx, Services& services);
Response HandleGetStatements(RequestContext& ctx, Services& services);
Response HandleState(RequestContext& ctx, Services& services);
Response HandleActivityProfile(RequestContext& ctx, Services& services);
Response HandleAgentProfile(RequestContext& ctx, Services& services);
Response HandleAgents(RequestContext& ctx, Services& services);
Response HandleActivities(RequestContext& ctx, Services& services);
// /admin/... (operator credential with "all") and /me/... (learner
// credential): admin.cpp and me.cpp. JSON in and out, xAPI-style errors.
Response HandleAdmin(RequestContext& ctx, Services& services);
Response HandleMe(RequestContext& ctx, Services& services);
// POST /admin/backups: an online backup into backup_dir (backups.cpp).
Response HandleBackups(RequestContext& ctx, Services& services);
// Bundles (portability.cpp): GET /me/export, GET /admin/learners/ID/export,
// POST /me/import, GET /me/provenance.
Response HandleExport(RequestContext& ctx, Services& services, const std::string& learner);
Response HandleImport(RequestContext& ctx, Services& services, const std::string& learner);
Response HandleProvenance(RequestContext& ctx, Services& services, const std::string& learner);

// The IFI key of an `agent` query parameter (JSON): a valid Agent, or with
// `allow_group` an identified Group; InvalidArgument naming the parameter
// otherwise.
Result<std::string> AgentParamKey(const std::string& agent_json, bool allow_group);

// Writes `trail`'s audit entries for this request (method, and the path with
// its parameters, also those the alternate syntax carried in its form body)
// before the response leaves. On failure: the Internal status the request
// must fail with.
Status CommitAudit(const RequestContext& ctx, Services& services, const consent::AuditTrail& trail);

// Sets X-Experience-API-Consistent-Through to `time` (every GET /statements
// answer carries it, errors included).
void SetConsistentThrough(Response& res, int64_t time);

}  // namespace lrs::http
