#include "lrs/http/consent_json.h"

#include <charconv>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"
#include "lrs/consent/audit.h"

namespace lrs::http {

namespace json = boost::json;

std::vector<std::string> PathSegments(std::string_view path, std::string_view root) {
  std::vector<std::string> out;
  path.remove_prefix(std::min(root.size(), path.size()));
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    size_t slash = path.find('/');
    // Ids are lowercase UUIDs; one given in capitals names the same thing.
    std::string segment(path.substr(0, slash));
    if (auto id = ParseUuid(segment)) segment = FormatUuid(*id);
    out.push_back(std::move(segment));
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash);
  }
  return out;
}

Result<json::object> JsonObjectBody(const RequestContext& ctx) {
  auto v = ParseJson(ctx.request.body(), "request body");
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::InvalidArgument("request body: must be a JSON object");
  return std::move(v->get_object());
}

Response ConsentJson(const RequestContext& ctx, bhttp::status status, const json::value& body) {
  Response res{status, ctx.request.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

Response ConsentError(const RequestContext& ctx, const Status& status) {
  return ErrorResponse(ctx.request, status, std::nullopt);
}

Response NoContent(const RequestContext& ctx) {
  Response res{bhttp::status::no_content, ctx.request.version()};
  res.prepare_payload();
  return res;
}

json::object LearnerToJson(const store::Learner& learner) {
  if (learner.erased) {
    return {{"id", learner.id},
            {"erased", FormatTimestampMillis(*learner.erased)},
            {"statements", learner.erased_statements},
            {"documents", learner.erased_documents}};
  }
  json::array identities;
  for (const auto& identity : learner.identities) identities.push_back(identity.agent);
  return {{"id", learner.id},
          {"name", learner.name},
          {"identities", std::move(identities)},
          {"created", FormatTimestampMillis(learner.created)},
          {"imports", learner.imports}};
}

Result<json::object> GrantView(const store::StoredGrant& grant, Micros now) {
  auto body = ParseJson(grant.body, "stored grant");
  if (!body.ok() || !body->is_object()) return Status::Internal("a stored grant is not a JSON object");
  json::object out{{"id", grant.id}};
  for (auto& kv : body->get_object()) out[kv.key()] = std::move(kv.value());
  out["created"] = FormatTimestampMillis(grant.created);
  const char* status = grant.replaced_by ? "replaced" : grant.revoked ? "revoked" : grant.LiveAt(now) ? "live" : "expired";
  out["status"] = status;
  if (grant.revoked) out["revoked"] = FormatTimestampMillis(*grant.revoked);
  if (grant.replaced_by) out["replacedBy"] = *grant.replaced_by;
  return out;
}

namespace {

Result<uint64_t> NumberParam(const RequestContext& ctx, std::string_view name, uint64_t fallback) {
  const std::string* text = ctx.params.Find(name);
  if (!text) return fallback;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Status::InvalidArgument(std::string(name) + ": must be a non-negative integer");
  }
  return n;
}

}  // namespace

Response AuditPage(const RequestContext& ctx, Services& services, const std::string& learner,
                   const std::string& base_path) {
  for (const auto& [name, value] : ctx.params.items()) {
    if (name != "limit" && name != "before") {
      return ConsentError(ctx, Status::InvalidArgument(name + ": not a parameter of the audit log"));
    }
  }
  constexpr uint64_t kMaxLimit = 500;
  auto limit = NumberParam(ctx, "limit", 100);
  auto before = NumberParam(ctx, "before", 0);
  if (!limit.ok()) return ConsentError(ctx, limit.status());
  if (!before.ok()) return ConsentError(ctx, before.status());
  uint64_t n = *limit == 0 || *limit > kMaxLimit ? kMaxLimit : *limit;
  auto entries = services.audit->List(learner, ctx.params.Find("before") ? std::optional<uint64_t>(*before)
                                                                         : std::nullopt, n + 1);
  if (!entries.ok()) return ConsentError(ctx, entries.status());
  json::array list;
  std::string more;
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    if (i == n) {
      more = base_path + "?limit=" + std::to_string(n) + "&before=" + std::to_string((*entries)[i - 1].seq);
      break;
    }
    list.push_back(consent::AuditEntryToJson(e));
  }
  return ConsentJson(ctx, bhttp::status::ok, json::object{{"entries", std::move(list)}, {"more", more}});
}

std::string NewSecret() { return Base64UrlEncode(RandomBytes(32)); }

}  // namespace lrs::http
