#include "lrs/http/message.h"

#include "lrs/http/handlers.h"

#include "lrs/base/encoding.h"

#include <ctime>

namespace lrs::http {

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Every response names the version it speaks, even to a request that named
// none (clients use it to detect the LRS's version).
void SetXapiHeaders(Response& res, std::optional<xapi::Version> v) {
  res.set("X-Experience-API-Version",
          std::string(xapi::VersionString(v.value_or(xapi::Version::k103))));
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<QueryParams> QueryParams::Parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) {
      return Status::InvalidArgument("query string: malformed percent-encoding");
    }
    if (!IsValidUtf8(*name))
      return Status::InvalidArgument("query string: a parameter name is not UTF-8");
    if (!IsValidUtf8(*value)) return Status::InvalidArgument(*name + ": not valid UTF-8");
    params.Add(std::move(*name), std::move(*value));
  }
  return params;
}

const std::string* QueryParams::Find(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return &v;
  }
  return nullptr;
}

size_t QueryParams::Count(std::string_view name) const {
  size_t n = 0;
  for (const auto& [k, v] : items_) n += k == name;
  return n;
}

std::string HttpDate(int64_t micros) {
  std::time_t t = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bhttp::status HttpStatusOf(const Status& s) {
  using C = Status::Code;
  switch (s.code()) {
    case C::kOk:
      return bhttp::status::ok;
    case C::kInvalidArgument:
      return bhttp::status::bad_request;
    case C::kUnauthorized:
      return bhttp::status::unauthorized;
    case C::kForbidden:
      return bhttp::status::forbidden;
    case C::kNotFound:
      return bhttp::status::not_found;
    case C::kConflict:
      return bhttp::status::conflict;
    case C::kPreconditionFailed:
      return bhttp::status::precondition_failed;
    case C::kTooLarge:
      return bhttp::status::payload_too_large;
    case C::kPreconditionRequired:
      return bhttp::status::precondition_required;
    case C::kTooManyRequests:
      return bhttp::status::too_many_requests;
    case C::kUnavailable:
      return bhttp::status::service_unavailable;
    case C::kIoError:
    case C::kInternal:
      return bhttp::status::internal_server_error;
  }
  return bhttp::status::internal_server_error;
}

Response JsonResponse(const RequestContext& ctx, bhttp::status status, std::string body) {
  Response res{status, ctx.request.version()};
  res.set(bhttp::field::content_type, "application/json");
  SetXapiHeaders(res, ctx.version);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response EmptyResponse(const RequestContext& ctx, bhttp::status status) {
  Response res{status, ctx.request.version()};
  SetXapiHeaders(res, ctx.version);
  res.prepare_payload();
  return res;
}

Response ErrorResponse(const Request& req, const Status& status,
                       std::optional<xapi::Version> version) {
  Response res{HttpStatusOf(status), req.version()};
  res.set(bhttp::field::content_type, "application/json");
  SetXapiHeaders(res, version);
  if (status.Is(Status::Code::kUnauthorized)) {
    res.set(bhttp::field::www_authenticate, "Basic realm=\"xAPI\"");
  }
  boost::json::object err{
      {"error", boost::json::object{{"code", static_cast<int>(res.result_int())},
                                    {"message", status.message()}}}};
  res.body() = boost::json::serialize(err);
  res.prepare_payload();
  return res;
}

}  // namespace lrs::http

namespace lrs::http {

namespace {

std::string AuditedRequest(const RequestContext& ctx) {
  std::string out = ctx.path;
  char sep = '?';
  for (const auto& [name, value] : ctx.params.items()) {
    out += sep;
    out += PercentEncode(name) + "=" + PercentEncode(value);
    sep = '&';
  }
  return out;
}

}  // namespace

Status CommitAudit(const RequestContext& ctx, Services& services,
                   const consent::AuditTrail& trail) {
  Status s = trail.Commit(services.audit, ctx.credential.key,
                          std::string(ctx.request.method_string()), AuditedRequest(ctx));
  return s.ok() ? s : Status::Internal("the audit log could not be written");
}

}  // namespace lrs::http
