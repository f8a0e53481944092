#include "lrs/http/router.h"

#include <exception>

#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/http/alternate_syntax.h"
#include "lrs/http/handlers.h"

namespace lrs::http {

namespace {

void AddCors(Response& res) {
  res.set(bhttp::field::access_control_allow_origin, "*");
  res.set(bhttp::field::access_control_expose_headers,
          "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
          "X-Experience-API-Consistent-Through");
}

Response Preflight(const Request& req) {
  Response res{bhttp::status::no_content, req.version()};
  AddCors(res);
  res.set(bhttp::field::access_control_allow_methods, "GET, HEAD, PUT, POST, DELETE, OPTIONS");
  res.set(bhttp::field::access_control_allow_headers,
          "Authorization, Content-Type, If-Match, If-None-Match, X-Experience-API-Version, "
          "X-Experience-API-Consistent-Through, Accept-Language");
  res.set(bhttp::field::access_control_max_age, "86400");
  return res;
}

struct BasicCredentials {
  std::string key;
  std::string secret;
};

// Parses "Basic base64(key:secret)". Unauthorized for anything else.
Result<BasicCredentials> ParseBasic(const bhttp::request_header<>& req) {
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end()) return Status::Unauthorized("authentication required");
  std::string_view value(it->value().data(), it->value().size());
  constexpr std::string_view kBasic = "Basic ";
  if (value.size() <= kBasic.size() ||
      !std::equal(kBasic.begin(), kBasic.end(), value.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    return Status::Unauthorized("Authorization: only HTTP Basic is supported");
  }
  auto decoded = Base64Decode(value.substr(kBasic.size()));
  size_t colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos)
    return Status::Unauthorized("Authorization: malformed Basic credentials");
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool AllowedToRead(const store::Credential& c) {
  return c.HasScope("all") || c.HasScope("all/read") || c.HasScope("statements/read") ||
         c.HasScope("statements/read/mine");
}

bool AllowedToWrite(const store::Credential& c) {
  return c.HasScope("all") || c.HasScope("statements/write");
}

// The address failed authentications are counted against. Behind a proxy
// every client arrives from the proxy's address; a trusted proxy appends
// the address it saw to X-Forwarded-For, so the last entry is the one to
// believe (earlier ones are whatever the client claimed).
std::string_view ClientAddress(const bhttp::request_header<>& head, std::string_view peer,
                               bool trust_forwarded_for) {
  if (!trust_forwarded_for) return peer;
  auto it = head.find("X-Forwarded-For");
  if (it == head.end()) return peer;
  std::string_view list(it->value().data(), it->value().size());
  std::string_view last =
      list.substr(list.rfind(',') == std::string_view::npos ? 0 : list.rfind(',') + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  return last.empty() ? peer : last;
}

}  // namespace

bool Router::SpoolsBody(const bhttp::request_header<>& head) {
  std::string_view target(head.target().data(), head.target().size());
  return head.method() == bhttp::verb::post && target.substr(0, target.find('?')) == "/me/import";
}

Result<store::Credential> Router::Authenticate(const bhttp::request_header<>& head,
                                               std::string_view client_address,
                                               int64_t* retry_after_seconds) {
  auto basic = ParseBasic(head);
  if (!basic.ok()) return basic.status();
  AuthLimiter* limiter = services_.auth_limiter;
  client_address = ClientAddress(head, client_address, services_.trust_forwarded_for);
  int64_t now = NowMicros();
  if (limiter) {
    Status admitted = limiter->Admit(basic->key, client_address, now, retry_after_seconds);
    if (!admitted.ok()) {
      if (services_.metrics) services_.metrics->AuthRateLimited();
      return admitted;
    }
  }
  auto who = services_.credentials->Authenticate(basic->key, basic->secret);
  if (limiter && who.status().Is(Status::Code::kUnauthorized)) {
    limiter->Failed(basic->key, client_address, now);
  }
  return who;
}

Status Router::AdmitSpooled(const bhttp::request_header<>& head, std::string_view client_address) {
  int64_t retry_after = 0;
  auto who = Authenticate(head, client_address, &retry_after);
  if (!who.ok()) return who.status();
  if (who->learner.empty()) return Status::Forbidden("/me is for a learner's own credential");
  return Status::Ok();
}

Response Router::Handle(Request& req, std::string* credential_key, Streams* streams,
                        std::string_view client_address) {
  Streams unused;
  if (!streams) streams = &unused;
  std::optional<xapi::Version> version;
  Response res;
  try {
    if (req.method() == bhttp::verb::options) {
      res = Preflight(req);
    } else {
      std::string_view target(req.target().data(), req.target().size());
      size_t q = target.find('?');
      std::string path(target.substr(0, q));
      auto params = QueryParams::Parse(q == std::string_view::npos ? "" : target.substr(q + 1));
      if (!params.ok()) {
        res = ErrorResponse(req, params.status(), std::nullopt);
      } else {
        RequestContext ctx{
            req,   std::move(path), std::move(*params), xapi::Version::k103, {}, nullptr,
            false, streams};
        res = [&]() -> Response {
          // The alternate request syntax is xAPI's; /admin and /me do not take it.
          if (ctx.request.method() == bhttp::verb::post && ctx.params.Find("method") &&
              !IsConsentPath(ctx.path)) {
            Status s = RewriteAlternateRequest(ctx);
            if (!s.ok()) return ErrorResponse(req, s, std::nullopt);
          }
          auto header = req.find("X-Experience-API-Version");
          if (header != req.end()) {
            version = xapi::ParseVersionHeader(
                std::string_view(header->value().data(), header->value().size()));
          }
          if (ctx.path == "/xapi/about" || ctx.path == "/xapi/about/") {
            return HandleAbout(req, version, services_);
          }
          int64_t retry_after = 0;
          auto who = Authenticate(req, client_address, &retry_after);
          if (!who.ok()) {
            Response refused = ErrorResponse(req, who.status(), version);
            if (retry_after > 0)
              refused.set(bhttp::field::retry_after, std::to_string(retry_after));
            return refused;
          }
          *credential_key = who->key;
          ctx.credential = std::move(*who);
          if (ctx.path == "/healthz" || ctx.path == "/metrics")
            return HandleOperations(ctx, services_);
          bool reads = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
          auto view = services_.read_rule->ViewFor(ctx.credential, NowMicros(), reads);
          if (!view.ok()) return ErrorResponse(req, view.status(), version);
          ctx.view = std::move(*view);
          if (IsConsentPath(ctx.path)) return DispatchConsent(ctx);
          if (header == req.end()) {
            return ErrorResponse(
                req, Status::InvalidArgument("X-Experience-API-Version header is required"),
                std::nullopt);
          }
          if (!version) {
            return ErrorResponse(
                req,
                Status::InvalidArgument("X-Experience-API-Version: unsupported version '" +
                                        std::string(header->value()) + "'"),
                std::nullopt);
          }
          if (ctx.alternate && *version != xapi::Version::k103) {
            return ErrorResponse(
                req,
                Status::InvalidArgument(
                    "method: the alternate request syntax is not part of xAPI 2.0.0"),
                version);
          }
          ctx.version = *version;
          return Dispatch(ctx);
        }();
      }
    }
  } catch (const std::exception& e) {
    res = ErrorResponse(req, Status::Internal("internal error"), version);
  }
  AddCors(res);
  if (!version)
    res.set("X-Experience-API-Version",
            std::string(xapi::VersionString(services_.default_version)));
  res.set(bhttp::field::date, HttpDate(NowMicros()));
  if (req.method() == bhttp::verb::head) {
    // HEAD answers like GET with the body left out but its length kept.
    auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  res.keep_alive(req.keep_alive());
  return res;
}

namespace {

bool IsRead(bhttp::verb m) { return m == bhttp::verb::get || m == bhttp::verb::head; }

bool Under(std::string_view path, std::string_view root) {
  return path == root || (path.starts_with(root) && path[root.size()] == '/');
}

// Scope rule of the document resources: their own scope, or "all"; reads
// also with "all/read".
bool AllowedDocuments(const store::Credential& c, bhttp::verb m, std::string_view scope) {
  return c.HasScope("all") || c.HasScope(scope) || (IsRead(m) && c.HasScope("all/read"));
}

}  // namespace

bool Router::IsConsentPath(std::string_view path) {
  return Under(path, "/admin") || Under(path, "/me");
}

// /admin and /me speak JSON, not xAPI: no version header is needed.
Response Router::DispatchConsent(RequestContext& ctx) {
  if (Under(ctx.path, "/admin")) {
    if (!ctx.credential.IsOperator() || !ctx.credential.HasScope("all")) {
      return ErrorResponse(ctx.request,
                           Status::Forbidden("the admin endpoints need the operator's credential"),
                           std::nullopt);
    }
    return HandleAdmin(ctx, services_);
  }
  if (ctx.view->kind() != consent::PrincipalKind::kLearner) {
    return ErrorResponse(ctx.request, Status::Forbidden("/me is for a learner's own credential"),
                         std::nullopt);
  }
  return HandleMe(ctx, services_);
}

Response Router::Dispatch(RequestContext& ctx) {
  const Request& req = ctx.request;
  std::string path = ctx.path;
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  auto m = req.method();
  auto forbidden = [&](const char* what) {
    return ErrorResponse(req, Status::Forbidden(std::string("this credential may not ") + what),
                         ctx.version);
  };
  if (path == "/xapi/statements") {
    if (m == bhttp::verb::put || m == bhttp::verb::post) {
      if (!AllowedToWrite(ctx.credential)) return forbidden("write statements");
      return m == bhttp::verb::put ? HandlePutStatement(ctx, services_)
                                   : HandlePostStatements(ctx, services_);
    }
    if (IsRead(m)) {
      if (!AllowedToRead(ctx.credential)) return forbidden("read statements");
      Response res = HandleGetStatements(ctx, services_);
      if (res.find("X-Experience-API-Consistent-Through") == res.end()) {
        SetConsistentThrough(res, services_.statements->ConsistentThrough().time);  // errors
      }
      return res;
    }
  } else if (path == "/xapi/activities/state") {
    if (!AllowedDocuments(ctx.credential, m, "state")) return forbidden("use the State resource");
    return HandleState(ctx, services_);
  } else if (path == "/xapi/activities/profile") {
    if (!AllowedDocuments(ctx.credential, m, "profile"))
      return forbidden("use the Activity Profile resource");
    if (!IsRead(m) && ctx.view->kind() == consent::PrincipalKind::kLearner) {
      return forbidden("write Activity Profile documents (they belong to no learner)");
    }
    return HandleActivityProfile(ctx, services_);
  } else if (path == "/xapi/agents/profile") {
    if (!AllowedDocuments(ctx.credential, m, "profile"))
      return forbidden("use the Agent Profile resource");
    return HandleAgentProfile(ctx, services_);
  } else if (path == "/xapi/agents" || path == "/xapi/activities") {
    if (IsRead(m)) {
      // These describe what statements say, so they need a statement read
      // scope, or the profile scope their neighbouring resources use.
      if (!AllowedToRead(ctx.credential) && !ctx.credential.HasScope("profile")) {
        return forbidden("read agents and activities");
      }
      return path == "/xapi/agents" ? HandleAgents(ctx, services_)
                                    : HandleActivities(ctx, services_);
    }
  } else {
    return ErrorResponse(req, Status::NotFound("no resource at " + ctx.path), ctx.version);
  }
  return ErrorResponse(req, Status::InvalidArgument("method not allowed on " + ctx.path),
                       ctx.version);
}

}  // namespace lrs::http
