// PUT and POST /xapi/statements.
#include <boost/json.hpp>

#include "lrs/http/handlers.h"
#include "lrs/http/statement_body.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/prepare.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

Status OnlyParams(const QueryParams& params, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : params.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Status::InvalidArgument(name + ": not a parameter of this request");
    }
    if (params.Count(name) > 1) return Status::InvalidArgument(name + ": given more than once");
  }
  return Status::Ok();
}

// The partition a statement lands in: its actor's identity. A Group never
// lands in an identity's partition (an identified Group has its own, an
// anonymous one the shared ""), so no learner owns group statements
// (docs/CONSENT.md, "Group actors").
std::string PartitionOf(const json::value& actor) {
  std::string key = xapi::IfiKey(actor).value_or("");
  const json::value* type = actor.is_object() ? actor.get_object().if_contains("objectType") : nullptr;
  bool group = type && type->is_string() && type->get_string() == "Group";
  return group && !key.empty() ? "group>" + key : key;
}

// Prepares and stores the statements; returns their ids in order.
Result<store::InsertOutcome> Store(RequestContext& ctx, Services& services, StatementBody body) {
  const json::value& authority = ctx.view->authority();
  bool learner = ctx.view->kind() == consent::PrincipalKind::kLearner;
  std::vector<store::NewStatement> batch;
  batch.reserve(body.statements.size());
  for (size_t i = 0; i < body.statements.size(); ++i) {
    auto& s = body.statements[i];
    store::NewStatement n;
    n.partition = PartitionOf(s.at("actor"));
    // A learner's credential writes the learner's own record only.
    if (learner && !ctx.view->IsOwnIdentity(n.partition)) {
      return Status::Forbidden("statements[" + std::to_string(i) +
                               "].actor: a learner may only write statements whose actor is one of their identities");
    }
    n.id = xapi::PrepareStatement(s, ctx.version, authority);
    n.may_void_any = ctx.view->kind() == consent::PrincipalKind::kOperator;
    n.statement = std::move(s);
    batch.push_back(std::move(n));
  }
  auto outcome = services.statements->Insert(std::move(batch), std::move(body.attachments));
  if (outcome.ok() && services.metrics) services.metrics->StatementsAccepted(outcome->ids.size());
  return outcome;
}

}  // namespace

Response HandlePutStatement(RequestContext& ctx, Services& services) {
  const Request& req = ctx.request;
  if (Status s = OnlyParams(ctx.params, {"statementId"}); !s.ok()) return ErrorResponse(req, s, ctx.version);
  const std::string* id = ctx.params.Find("statementId");
  if (!id) return ErrorResponse(req, Status::InvalidArgument("statementId: required for PUT"), ctx.version);
  auto uuid = ParseUuid(*id);
  if (!uuid) return ErrorResponse(req, Status::InvalidArgument("statementId: not a UUID"), ctx.version);

  auto body = ReadStatementBody(ctx, 1);
  if (!body.ok()) return ErrorResponse(req, body.status(), ctx.version);
  if (body->was_array) {
    return ErrorResponse(req, Status::InvalidArgument("request body: PUT takes one statement, not an array"),
                         ctx.version);
  }
  json::object& s = body->statements.front();
  if (auto given = s.find("id"); given != s.end()) {
    auto given_id = ParseUuid(given->value().as_string());
    if (!given_id || *given_id != *uuid) {
      return ErrorResponse(req, Status::InvalidArgument("statement.id: differs from the statementId parameter"),
                           ctx.version);
    }
  }
  s["id"] = FormatUuid(*uuid);
  auto stored = Store(ctx, services, std::move(*body));
  if (!stored.ok()) return ErrorResponse(req, stored.status(), ctx.version);
  return EmptyResponse(ctx, bhttp::status::no_content);
}

Response HandlePostStatements(RequestContext& ctx, Services& services) {
  const Request& req = ctx.request;
  if (Status s = OnlyParams(ctx.params, {}); !s.ok()) return ErrorResponse(req, s, ctx.version);
  auto body = ReadStatementBody(ctx, services.limits.max_statements_per_batch);
  if (!body.ok()) return ErrorResponse(req, body.status(), ctx.version);
  auto stored = Store(ctx, services, std::move(*body));
  if (!stored.ok()) return ErrorResponse(req, stored.status(), ctx.version);
  json::array ids;
  for (auto& id : stored->ids) ids.emplace_back(id);
  return JsonResponse(ctx, bhttp::status::ok, json::serialize(ids));
}

}  // namespace lrs::http
