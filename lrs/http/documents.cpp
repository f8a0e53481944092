// The document resources: State (/xapi/activities/state), Activity Profile
// (/xapi/activities/profile) and Agent Profile (/xapi/agents/profile).
// The three differ only in which parameters name a document; the rules for
// GET, PUT, POST (JSON merge), DELETE and concurrency are shared.
#include <boost/json.hpp>
#include <string>

#include "lrs/base/json.h"
#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/consent/audit.h"
#include "lrs/http/handlers.h"
#include "lrs/http/statement_query.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/validate.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

struct ResourceRules {
  store::DocumentKind kind;
  const char* id_param;  // stateId or profileId
  bool needs_activity;
  bool needs_agent;
};

constexpr ResourceRules kState{store::DocumentKind::kState, "stateId", true, true};
constexpr ResourceRules kActivityProfile{store::DocumentKind::kActivityProfile, "profileId", true, false};
constexpr ResourceRules kAgentProfile{store::DocumentKind::kAgentProfile, "profileId", false, true};

// A parsed document request: where, which document (if one), since.
struct DocumentRequest {
  store::DocumentScope scope;
  std::optional<std::string> id;
  std::optional<Micros> since;
};

Result<DocumentRequest> ParseDocumentRequest(const RequestContext& ctx, const ResourceRules& rules) {
  DocumentRequest out{{rules.kind, "", "", std::nullopt}, std::nullopt, std::nullopt};
  for (const auto& [name, value] : ctx.params.items()) {
    bool known = name == rules.id_param || name == "since" ||
                 (rules.needs_activity && name == "activityId") ||
                 (rules.needs_agent && name == "agent") ||
                 (rules.kind == store::DocumentKind::kState && name == "registration");
    if (!known) return Status::InvalidArgument(name + ": not a parameter of this resource");
    if (ctx.params.Count(name) > 1) return Status::InvalidArgument(name + ": given more than once");
  }
  if (rules.needs_activity) {
    const std::string* activity = ctx.params.Find("activityId");
    if (!activity) return Status::InvalidArgument("activityId: required");
    if (!xapi::IsIri(*activity)) return Status::InvalidArgument("activityId: must be an IRI");
    out.scope.activity_id = *activity;
  }
  if (rules.needs_agent) {
    const std::string* agent = ctx.params.Find("agent");
    if (!agent) return Status::InvalidArgument("agent: required");
    auto key = AgentParamKey(*agent, /*allow_group=*/false);
    if (!key.ok()) return key.status();
    out.scope.partition = std::move(*key);
  }
  if (const std::string* registration = ctx.params.Find("registration")) {
    auto id = ParseUuid(*registration);
    if (!id) return Status::InvalidArgument("registration: not a UUID");
    out.scope.registration = FormatUuid(*id);
  }
  if (const std::string* id = ctx.params.Find(rules.id_param)) out.id = *id;
  if (const std::string* since = ctx.params.Find("since")) {
    auto t = ParseTimestamp(*since, TimestampSyntax::kRfc3339);
    if (!t) t = ParseTimestamp(*since, TimestampSyntax::kIso8601);
    if (!t) return Status::InvalidArgument("since: not an ISO 8601 timestamp");
    out.since = *t;
  }
  return out;
}

// An entity tag without its quotes; `weak` tells whether it had W/.
std::string Unquote(std::string_view tag, bool* weak) {
  while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
  while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
  *weak = tag.starts_with("W/");
  if (*weak) tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  return std::string(tag);
}

// RFC 7232 If-Match / If-None-Match: a list of entity tags, or "*". If-Match
// compares strongly (a weak tag never matches); If-None-Match weakly.
bool TagListMatches(std::string_view header, const std::optional<store::Document>& current, bool strong) {
  if (!current) return false;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    bool weak = false;
    std::string tag = Unquote(header.substr(start, comma == std::string_view::npos ? header.npos : comma - start), &weak);
    if (tag == "*" || (tag == current->etag && !(strong && weak))) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

// When a PUT must carry If-Match or If-None-Match.
enum class PutRule {
  kNone,               // State at 1.0.3, every POST and DELETE
  kRequireIfExisting,  // 409 when the document exists and no header was sent
  kRequireAlways,      // and 400 when it does not (profiles at 1.0.3: a client MUST send one)
};

// Checks the concurrency headers against the current document.
Status CheckPreconditions(const Request& req, const std::optional<store::Document>& current,
                          PutRule rule) {
  auto if_match = req.find(bhttp::field::if_match);
  auto if_none_match = req.find(bhttp::field::if_none_match);
  if (if_match != req.end() && !TagListMatches(if_match->value(), current, true)) {
    return Status::PreconditionFailed("If-Match: the document has changed or does not exist");
  }
  if (if_none_match != req.end() && TagListMatches(if_none_match->value(), current, false)) {
    return Status::PreconditionFailed("If-None-Match: the document already exists");
  }
  bool no_header = if_match == req.end() && if_none_match == req.end();
  if (rule != PutRule::kNone && current && no_header) {
    return Status::Conflict(
        "the document already exists: GET it, then send If-Match with its ETag to replace it");
  }
  if (rule == PutRule::kRequireAlways && no_header) {
    return Status::InvalidArgument(
        "If-Match or If-None-Match: required on PUT to a profile resource (If-None-Match: * to create)");
  }
  return Status::Ok();
}

std::string ContentTypeOf(const Request& req) {
  auto it = req.find(bhttp::field::content_type);
  return it == req.end() ? "application/octet-stream" : std::string(it->value());
}

bool IsJsonType(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "application/json";
}

// POST: merge the new JSON object into the stored one, one level deep.
Result<std::optional<store::Document>> Merge(const std::optional<store::Document>& current,
                                             store::Document incoming) {
  bool incoming_json = IsJsonType(incoming.content_type);
  json::value in;
  if (incoming_json) {
    auto parsed = ParseJson(incoming.body, "request body");
    if (!parsed.ok()) return parsed.status();
    if (!parsed->is_object()) {
      return Status::InvalidArgument("request body: a POSTed JSON document must be a JSON object");
    }
    in = std::move(*parsed);
  }
  if (!current) return std::optional<store::Document>(std::move(incoming));
  if (!incoming_json || !IsJsonType(current->content_type)) {
    return Status::InvalidArgument(
        "Content-Type: POST merges JSON documents; the stored or the sent document is not application/json");
  }
  auto stored = ParseJson(current->body, "stored document");
  if (!stored.ok() || !stored->is_object()) {
    return Status::InvalidArgument("the stored document is not a JSON object, so it cannot be merged");
  }
  for (auto& kv : in.get_object()) stored->get_object()[kv.key()] = std::move(kv.value());
  incoming.body = json::serialize(*stored);
  incoming.content_type = "application/json";
  return std::optional<store::Document>(std::move(incoming));
}

// The read rule for documents (lrs/consent): Activity Profile documents
// belong to no learner and are governed by scopes alone.
class DocumentRule {
 public:
  DocumentRule(const RequestContext& ctx, Services& services, const DocumentRequest& d)
      : view_(*ctx.view), d_(d), services_(services) {}

  Result<bool> Sees(const std::string& writer, Micros updated) {
    if (d_.scope.kind == store::DocumentKind::kActivityProfile) return true;
    // Looked up when first needed: a concurrent first write may create the
    // partition between this request's start and its document read.
    if (!part_) {
      auto part = services_.documents->PartitionOf(d_.scope);
      if (!part.ok()) return part.status();
      part_ = *part;
    }
    if (!part_) return false;
    return view_.SeesDocument(*part_, {d_.scope.activity_id, d_.scope.registration, writer, updated});
  }

  // A write must not touch a document its writer may not overwrite (the
  // owner, the operator and the document's writer may; a grant only reads;
  // CONSENT.md, "Documents").
  Status MayReplace(const std::optional<store::Document>& current) {
    if (!current || d_.scope.kind == store::DocumentKind::kActivityProfile) return Status::Ok();
    auto sees = Sees(current->writer, current->updated);  // also finds the partition
    if (!sees.ok()) return sees.status();
    if (!part_ || !view_.MayOverwriteDocument(*part_, current->writer)) {
      return Status::Forbidden(
          "the document exists and was written by another party; this credential may not change it");
    }
    return Status::Ok();
  }

  bool MayDelete(const std::string& writer, Micros updated) {
    store::Document meta;
    meta.writer = writer;
    meta.updated = updated;
    return MayReplace(meta).ok();
  }

  // The writer a changed document keeps: whoever created it, so that an
  // owner's or operator's edit does not lock the creating organisation out.
  std::string WriterAfter(const std::optional<store::Document>& current) const {
    return current ? current->writer : view_.writer();
  }

  Status Audit(const RequestContext& ctx, uint64_t returned) const {
    if (!part_ || returned == 0) return Status::Ok();
    consent::AuditTrail trail(view_, "documents");
    trail.Count(*part_, returned);
    return CommitAudit(ctx, services_, trail);
  }

 private:
  const consent::View& view_;
  const DocumentRequest& d_;
  Services& services_;
  std::optional<uint64_t> part_;
};

const Status& NoSuchDocument() {
  static const Status s = Status::NotFound("no such document");
  return s;
}


Response GetOne(RequestContext& ctx, Services& services, const DocumentRequest& d, DocumentRule& rule) {
  auto doc = services.documents->Get(d.scope, *d.id);
  if (doc.ok()) {
    auto sees = rule.Sees(doc->writer, doc->updated);
    if (!sees.ok()) return ErrorResponse(ctx.request, sees.status(), ctx.version);
    if (!*sees) doc = NoSuchDocument();
  }
  if (!doc.ok()) return ErrorResponse(ctx.request, doc.status(), ctx.version);
  if (Status s = rule.Audit(ctx, 1); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  Response res = JsonResponse(ctx, bhttp::status::ok, std::move(doc->body));
  res.set(bhttp::field::content_type, doc->content_type);
  res.set(bhttp::field::etag, "\"" + doc->etag + "\"");
  res.set(bhttp::field::last_modified, HttpDate(doc->updated));
  return res;
}

Response GetDocuments(RequestContext& ctx, Services& services, const DocumentRequest& d,
                      DocumentRule& rule) {
  if (d.id) return GetOne(ctx, services, d, rule);
  auto docs = services.documents->List(d.scope, d.since);
  if (!docs.ok()) return ErrorResponse(ctx.request, docs.status(), ctx.version);
  Micros last_modified = 0;
  json::array list;
  for (auto& doc : *docs) {
    auto sees = rule.Sees(doc.writer, doc.updated);
    if (!sees.ok()) return ErrorResponse(ctx.request, sees.status(), ctx.version);
    if (!*sees) continue;
    last_modified = std::max(last_modified, doc.updated);
    list.emplace_back(doc.id);
  }
  if (Status s = rule.Audit(ctx, list.size()); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  std::string body = json::serialize(list);
  Response res = JsonResponse(ctx, bhttp::status::ok, body);
  res.set(bhttp::field::etag, "\"" + Sha1Hex(body) + "\"");
  res.set(bhttp::field::last_modified, HttpDate(last_modified > 0 ? last_modified : NowMicros()));
  return res;
}

Response Respond(RequestContext& ctx, const Status& s) {
  if (!s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  return EmptyResponse(ctx, bhttp::status::no_content);
}

Response HandleDocuments(RequestContext& ctx, Services& services, const ResourceRules& rules) {
  auto parsed = ParseDocumentRequest(ctx, rules);
  if (!parsed.ok()) return ErrorResponse(ctx.request, parsed.status(), ctx.version);
  const DocumentRequest& d = *parsed;
  const Request& req = ctx.request;
  auto method = req.method();
  DocumentRule rule(ctx, services, d);
  if (method == bhttp::verb::get || method == bhttp::verb::head) return GetDocuments(ctx, services, d, rule);
  // A learner's credential writes the learner's own documents only.
  if (rules.needs_agent && ctx.view->kind() == consent::PrincipalKind::kLearner &&
      !ctx.view->IsOwnIdentity(d.scope.partition)) {
    return ErrorResponse(req, Status::Forbidden("agent: a learner may only write their own documents"), ctx.version);
  }
  if (method == bhttp::verb::delete_ && !d.id) {
    if (rules.kind != store::DocumentKind::kState) {
      return ErrorResponse(req, Status::InvalidArgument(std::string(rules.id_param) + ": required"), ctx.version);
    }
    // Deletes what this credential may change; the rest stays.
    return Respond(ctx, services.documents->DeleteAll(d.scope, [&](const store::DocumentInfo& doc) {
      return rule.MayDelete(doc.writer, doc.updated);
    }));
  }
  if (!d.id) return ErrorResponse(req, Status::InvalidArgument(std::string(rules.id_param) + ": required"), ctx.version);
  if (method == bhttp::verb::delete_) {
    return Respond(ctx, services.documents->Update(d.scope, *d.id, [&](const auto& current) -> Result<std::optional<store::Document>> {
      LRS_RETURN_IF_ERROR(rule.MayReplace(current));
      LRS_RETURN_IF_ERROR(CheckPreconditions(req, current, PutRule::kNone));
      return std::optional<store::Document>();
    }));
  }
  store::Document incoming{ContentTypeOf(req), req.body(), "", 0, ctx.view->writer()};
  // xAPI 1.0.3 exempts State from the concurrency rules of PUT and requires a
  // header on profile PUTs; 2.0.0 applies the 409 rule to all three resources.
  PutRule rule_for_put = PutRule::kRequireIfExisting;
  if (ctx.version == xapi::Version::k103) {
    rule_for_put = rules.kind == store::DocumentKind::kState ? PutRule::kNone : PutRule::kRequireAlways;
  }
  if (method == bhttp::verb::put) {
    return Respond(ctx, services.documents->Update(d.scope, *d.id, [&](const auto& current) -> Result<std::optional<store::Document>> {
      LRS_RETURN_IF_ERROR(rule.MayReplace(current));
      LRS_RETURN_IF_ERROR(CheckPreconditions(req, current, rule_for_put));
      store::Document next = incoming;
      next.writer = rule.WriterAfter(current);
      return std::optional<store::Document>(std::move(next));
    }));
  }
  if (method == bhttp::verb::post) {
    return Respond(ctx, services.documents->Update(d.scope, *d.id, [&](const auto& current) -> Result<std::optional<store::Document>> {
      LRS_RETURN_IF_ERROR(rule.MayReplace(current));
      LRS_RETURN_IF_ERROR(CheckPreconditions(req, current, PutRule::kNone));
      store::Document next = incoming;
      next.writer = rule.WriterAfter(current);
      return Merge(current, std::move(next));
    }));
  }
  return ErrorResponse(req, Status::InvalidArgument("method not allowed on this resource"), ctx.version);
}

}  // namespace

Result<std::string> AgentParamKey(const std::string& agent_json, bool allow_group) {
  auto v = ParseJson(agent_json, "agent");
  if (!v.ok()) return v.status();
  LRS_RETURN_IF_ERROR(xapi::ValidateAgentParameter(*v, allow_group, "agent"));
  return *xapi::IfiKey(*v);
}

Response HandleState(RequestContext& ctx, Services& services) { return HandleDocuments(ctx, services, kState); }
Response HandleActivityProfile(RequestContext& ctx, Services& services) {
  return HandleDocuments(ctx, services, kActivityProfile);
}
Response HandleAgentProfile(RequestContext& ctx, Services& services) {
  return HandleDocuments(ctx, services, kAgentProfile);
}

}  // namespace lrs::http
