#include "lrs/base/json.h"
#include "lrs/http/statement_query.h"

#include <boost/json.hpp>
#include <charconv>

#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/validate.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

constexpr std::string_view kFilterParams[] = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending"};

bool IsKnown(std::string_view name) {
  if (name == "statementId" || name == "voidedStatementId") return true;
  for (auto p : kFilterParams) {
    if (p == name) return true;
  }
  return false;
}

Result<bool> Boolean(const QueryParams& params, std::string_view name) {
  const std::string* v = params.Find(name);
  if (!v) return false;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return Status::InvalidArgument(std::string(name) + ": must be true or false");
}

Result<Micros> Time(const std::string& text, std::string_view name) {
  auto t = ParseTimestamp(text, TimestampSyntax::kRfc3339);
  if (!t) t = ParseTimestamp(text, TimestampSyntax::kIso8601);
  if (!t) return Status::InvalidArgument(std::string(name) + ": not an ISO 8601 timestamp");
  return *t;
}

Status AddFilters(const QueryParams& params, store::StatementQuery* q) {
  auto related_agents = Boolean(params, "related_agents");
  auto related_activities = Boolean(params, "related_activities");
  if (!related_agents.ok()) return related_agents.status();
  if (!related_activities.ok()) return related_activities.status();
  if (const std::string* agent = params.Find("agent")) {
    auto v = ParseJson(*agent, "agent");
    if (!v.ok()) return v.status();
    LRS_RETURN_IF_ERROR(xapi::ValidateAgentParameter(*v, /*allow_group=*/true, "agent"));
    q->terms.push_back({*related_agents ? xapi::TermKind::kRelatedAgent : xapi::TermKind::kAgent,
                        *xapi::IfiKey(*v)});
  }
  if (const std::string* verb = params.Find("verb")) {
    if (!xapi::IsIri(*verb)) return Status::InvalidArgument("verb: must be an IRI");
    q->terms.push_back({xapi::TermKind::kVerb, *verb});
  }
  if (const std::string* activity = params.Find("activity")) {
    if (!xapi::IsIri(*activity)) return Status::InvalidArgument("activity: must be an IRI");
    q->terms.push_back({*related_activities ? xapi::TermKind::kRelatedActivity : xapi::TermKind::kActivity,
                        *activity});
  }
  if (const std::string* registration = params.Find("registration")) {
    auto id = ParseUuid(*registration);
    if (!id) return Status::InvalidArgument("registration: not a UUID");
    q->terms.push_back({xapi::TermKind::kRegistration, FormatUuid(*id)});
  }
  if (const std::string* since = params.Find("since")) {
    auto t = Time(*since, "since");
    if (!t.ok()) return t.status();
    q->min_seq = store::FirstSeqAfter(*t);
  }
  if (const std::string* until = params.Find("until")) {
    auto t = Time(*until, "until");
    if (!t.ok()) return t.status();
    uint64_t first_after = store::FirstSeqAfter(*t);
    q->max_seq = first_after == 0 ? 0 : first_after - 1;
  }
  auto ascending = Boolean(params, "ascending");
  if (!ascending.ok()) return ascending.status();
  q->ascending = *ascending;
  return Status::Ok();
}

}  // namespace

Result<ParsedStatementQuery> ParseStatementQuery(const QueryParams& params, size_t max_limit) {
  ParsedStatementQuery out;
  for (const auto& [name, value] : params.items()) {
    if (!IsKnown(name)) return Status::InvalidArgument(name + ": not a parameter of GET /statements");
    if (params.Count(name) > 1) return Status::InvalidArgument(name + ": given more than once");
  }
  bool by_id = params.Find("statementId"), by_voided = params.Find("voidedStatementId");
  if (by_id || by_voided) {
    for (const auto& [name, value] : params.items()) {
      if (name != "statementId" && name != "voidedStatementId" && name != "format" &&
          name != "attachments") {
        return Status::InvalidArgument(name + ": cannot be combined with statementId or voidedStatementId");
      }
    }
    if (by_id && by_voided) {
      return Status::InvalidArgument("statementId: cannot be combined with voidedStatementId");
    }
    out.single = by_id ? SingleLookup::kStatementId : SingleLookup::kVoidedStatementId;
    return out;
  }
  LRS_RETURN_IF_ERROR(AddFilters(params, &out.query.store));
  size_t limit = max_limit;
  if (const std::string* l = params.Find("limit")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || end != l->data() + l->size()) {
      return Status::InvalidArgument("limit: must be a non-negative integer");
    }
    if (n > 0 && n < max_limit) limit = n;
  }
  out.query.store.limit = limit;
  std::string original;
  for (const auto& [name, value] : params.items()) {
    if (!original.empty()) original += '&';
    original += PercentEncode(name) + "=" + PercentEncode(value);
  }
  out.query.original = std::move(original);
  return out;
}

Status ExpandMore(QueryParams* params, std::optional<MoreCursor>* cursor) {
  const std::string* token = params->Find("more");
  if (!token) return Status::Ok();
  if (params->items().size() != 1) return Status::InvalidArgument("more: cannot be combined with other parameters");
  static const Status kBad = Status::InvalidArgument("more: not a valid continuation token");
  auto raw = Base64Decode(*token, /*url=*/true);
  if (!raw) return kBad;
  json::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return kBad;
  const auto& o = v.get_object();
  auto q = o.find("q"), n = o.find("n"), x = o.find("x");
  if (q == o.end() || n == o.end() || x == o.end() || !q->value().is_string()) return kBad;
  json::error_code nec, xec;
  uint64_t next = n->value().to_number<uint64_t>(nec), bound = x->value().to_number<uint64_t>(xec);
  if (nec || xec) return kBad;
  auto expanded = QueryParams::Parse(q->value().get_string());
  if (!expanded.ok() || expanded->Find("more")) return kBad;
  *params = std::move(*expanded);
  *cursor = MoreCursor{next, bound};
  return Status::Ok();
}

void ApplyCursor(const MoreCursor& cursor, PagedQuery* query) {
  query->store.max_seq = std::min(query->store.max_seq, cursor.max_seq);
  if (query->store.ascending) {
    query->store.min_seq = std::max(query->store.min_seq, cursor.next_seq);
  } else {
    query->store.max_seq = std::min(query->store.max_seq, cursor.next_seq);
  }
  query->max_seq_fixed = true;
}

std::string MoreUrl(const PagedQuery& query, uint64_t next_seq) {
  json::object token{{"q", query.original}, {"n", next_seq}, {"x", query.store.max_seq}};
  return "/xapi/statements?more=" + Base64UrlEncode(json::serialize(token));
}

}  // namespace lrs::http
