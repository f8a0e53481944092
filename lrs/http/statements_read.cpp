// GET and HEAD /xapi/statements: one statement by statementId or
// voidedStatementId, or a query answered as a StatementResult with a `more`
// link. A `more` link carries the original query and a cursor (the next
// sequence number and the consistent-through bound of the first page), so
// paging is stable while writes continue: later statements never shift it.
#include <boost/json.hpp>
#include <set>

#include "lrs/base/json.h"
#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/consent/audit.h"
#include "lrs/http/handlers.h"
#include "lrs/http/statement_query.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/format.h"
#include "lrs/xapi/multipart.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

struct OutputOptions {
  xapi::Format format = xapi::Format::kExact;
  std::vector<std::string> languages;
  bool attachments = false;
};

// Formats one stored statement; exact output is the stored text as is.
Result<std::string> Render(const std::string& stored, const OutputOptions& o) {
  if (o.format == xapi::Format::kExact) return stored;
  auto v = ParseJson(stored, "stored statement");
  if (!v.ok()) return Status::Internal(v.status().message());
  xapi::ApplyFormat(*v, o.format, o.languages);
  return json::serialize(*v);
}

// A statement about to be returned: its stored text and partition.
struct Returned {
  const std::string* json;
  uint64_t part;
};

// The attachments of these statements whose content is stored, each read
// from the partition of the statement that carries it.
std::vector<xapi::Attachment> AttachmentsOf(const std::vector<Returned>& statements,
                                            store::StatementStore& store) {
  std::vector<xapi::Attachment> out;
  std::set<std::string> seen;
  for (const Returned& r : statements) {
    auto v = ParseJson(*r.json, "stored statement");
    if (!v.ok() || !v->is_object()) continue;
    auto it = v->get_object().find("attachments");
    if (it == v->get_object().end() || !it->value().is_array()) continue;
    for (const auto& a : it->value().get_array()) {
      std::string sha2(a.at("sha2").as_string());
      if (seen.contains(sha2)) continue;
      auto content = store.GetAttachment(r.part, sha2);
      if (!content.ok()) continue;  // fileUrl-only attachments have no content here
      seen.insert(sha2);
      out.push_back({std::string(a.at("contentType").as_string()), sha2, std::move(*content)});
    }
  }
  return out;
}

// Writes the audit entries for what is about to be returned, then builds
// the response; a failed audit write fails the request.
Response Finish(RequestContext& ctx, Services& services, std::string json_body,
                const std::vector<Returned>& statements, const OutputOptions& o,
                Micros last_modified, Micros through_time) {
  consent::AuditTrail trail(*ctx.view, "statements");
  for (const Returned& r : statements) trail.Count(r.part);
  if (Status s = CommitAudit(ctx, services, trail); !s.ok()) return ErrorResponse(ctx.request, s, ctx.version);
  Response res;
  if (o.attachments) {
    auto attachments = AttachmentsOf(statements, *services.statements);
    // A fresh random boundary per response: stored content chosen by a
    // client must not be able to end its part early (128 random bits make a
    // collision as likely as guessing a key).
    std::string boundary = "xapi" + HexEncode(RandomBytes(16));
    res = JsonResponse(ctx, bhttp::status::ok, xapi::BuildMultipart(boundary, json_body, attachments));
    res.set(bhttp::field::content_type, "multipart/mixed; boundary=" + boundary);
  } else {
    res = JsonResponse(ctx, bhttp::status::ok, std::move(json_body));
  }
  SetConsistentThrough(res, through_time);
  res.set(bhttp::field::last_modified, HttpDate(last_modified > 0 ? last_modified : through_time));
  return res;
}

Result<OutputOptions> ReadOutputOptions(const RequestContext& ctx) {
  OutputOptions o;
  if (const std::string* f = ctx.params.Find("format")) {
    if (*f == "exact") o.format = xapi::Format::kExact;
    else if (*f == "ids") o.format = xapi::Format::kIds;
    else if (*f == "canonical") o.format = xapi::Format::kCanonical;
    else return Status::InvalidArgument("format: must be ids, exact or canonical");
  }
  if (const std::string* a = ctx.params.Find("attachments")) {
    if (*a != "true" && *a != "false") return Status::InvalidArgument("attachments: must be true or false");
    o.attachments = *a == "true";
  }
  auto lang = ctx.request.find(bhttp::field::accept_language);
  if (lang != ctx.request.end()) o.languages = xapi::ParseAcceptLanguage(lang->value());
  return o;
}

Response GetOne(RequestContext& ctx, Services& services, const OutputOptions& o, bool voided,
                Micros through_time) {
  const std::string& text = *ctx.params.Find(voided ? "voidedStatementId" : "statementId");
  auto id = ParseUuid(text);
  if (!id) {
    return ErrorResponse(ctx.request, Status::InvalidArgument(
        std::string(voided ? "voidedStatementId" : "statementId") + ": not a UUID"), ctx.version);
  }
  auto found = services.statements->Get(*id, voided);
  if (found.ok()) {
    auto parsed = ParseJson(found->json, "stored statement");
    if (!parsed.ok() || !parsed->is_object()) return ErrorResponse(ctx.request, Status::Internal("corrupt statement"), ctx.version);
    auto sees = ctx.view->SeesStatement(found->part, parsed->get_object());
    if (!sees.ok()) return ErrorResponse(ctx.request, sees.status(), ctx.version);
    // Indistinguishable from an id never stored: the store's own answer.
    if (!*sees) found = Status::NotFound(std::string(store::kNoSuchStatement));
  }
  if (!found.ok()) return ErrorResponse(ctx.request, found.status(), ctx.version);
  auto body = Render(found->json, o);
  if (!body.ok()) return ErrorResponse(ctx.request, body.status(), ctx.version);
  return Finish(ctx, services, std::move(*body), {{&found->json, found->part}}, o,
                store::SeqToStoredMicros(found->seq), through_time);
}

}  // namespace

void SetConsistentThrough(Response& res, Micros time) {
  res.set("X-Experience-API-Consistent-Through", FormatTimestampMillis(time));
}

Response HandleGetStatements(RequestContext& ctx, Services& services) {
  const Request& req = ctx.request;
  std::optional<MoreCursor> cursor;
  if (Status s = ExpandMore(&ctx.params, &cursor); !s.ok()) return ErrorResponse(req, s, ctx.version);
  auto parsed = ParseStatementQuery(ctx.params, services.limits.max_query_limit);
  if (!parsed.ok()) return ErrorResponse(req, parsed.status(), ctx.version);
  if (cursor) ApplyCursor(*cursor, &parsed->query);
  auto o = ReadOutputOptions(ctx);
  if (!o.ok()) return ErrorResponse(req, o.status(), ctx.version);
  // One reading bounds the query and names its Consistent-Through, so the
  // header never claims a statement the page could not have contained.
  auto through = services.statements->ConsistentThrough();
  if (parsed->single == SingleLookup::kStatementId) return GetOne(ctx, services, *o, false, through.time);
  if (parsed->single == SingleLookup::kVoidedStatementId) {
    return GetOne(ctx, services, *o, true, through.time);
  }

  if (!parsed->query.max_seq_fixed) {
    parsed->query.store.max_seq = std::min(parsed->query.store.max_seq, through.seq);
  }
  parsed->query.store.scopes = ctx.view->StatementScopes();
  auto page = services.statements->Query(parsed->query.store);
  if (!page.ok()) return ErrorResponse(req, page.status(), ctx.version);

  std::string body = "{\"statements\":[";
  std::vector<Returned> texts;
  for (size_t i = 0; i < page->statements.size(); ++i) {
    if (i) body += ',';
    auto rendered = Render(page->statements[i].json, *o);
    if (!rendered.ok()) return ErrorResponse(req, rendered.status(), ctx.version);
    body += *rendered;
    texts.push_back({&page->statements[i].json, page->statements[i].part});
  }
  body += "],\"more\":";
  if (page->next_seq) {
    body += json::serialize(json::value(MoreUrl(parsed->query, *page->next_seq)));
  } else {
    body += "\"\"";
  }
  body += '}';
  return Finish(ctx, services, std::move(body), texts, *o, 0, through.time);
}

}  // namespace lrs::http
