// Router: one request in, one response out. It applies what every endpoint
// shares, in this order: CORS preflight, the 1.0.3 alternate request syntax,
// the X-Experience-API-Version header, authentication and scopes; then calls
// the endpoint's handler and adds the CORS and version headers. It never
// throws: an unexpected exception becomes a 500 that names no internals.
#pragma once

#include <string>

#include "lrs/consent/erasure.h"
#include "lrs/consent/read_rule.h"
#include "lrs/http/auth_limiter.h"
#include "lrs/http/message.h"
#include "lrs/http/metrics.h"
#include "lrs/portability/importer.h"
#include "lrs/portability/store_key.h"
#include "lrs/store/account_store.h"
#include "lrs/store/audit_store.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/grant_store.h"
#include "lrs/store/document_store.h"
#include "lrs/store/statement_store.h"

namespace lrs::http {

// Limits the handlers enforce (the body size limit is the server's:
// ServerOptions::max_body_bytes).
struct Limits {
  size_t max_statements_per_batch = 10000;
  size_t max_query_limit = 500;  // limit=0 means this
};

// What the handlers work with. The pointers are owned by lrsd's main and
// outlive every request.
struct Services {
  // The RocksDB behind the stores: its health and figures (/healthz,
  // /metrics) and online backups (/admin/backups).
  store::Database* database = nullptr;
  store::StatementStore* statements = nullptr;
  store::CredentialStore* credentials = nullptr;
  store::DocumentStore* documents = nullptr;
  store::AccountStore* accounts = nullptr;
  store::GrantStore* grants = nullptr;
  store::AuditStore* audit = nullptr;
  consent::ReadRule* read_rule = nullptr;
  consent::Erasure* erasure = nullptr;
  // The key bundles are signed with (published at /xapi/about), and what
  // an import trusts.
  std::shared_ptr<const portability::StoreKey> store_key;
  portability::ImportPolicy import_policy;
  Limits limits;
  // account.homePage of the authority Agent written into statements.
  std::string authority_home_page = "urn:lrs:credential";
  // The version a response names when the request named none (or none valid).
  xapi::Version default_version = xapi::Version::k103;
  // The only directory backups may be written under; empty: backups are off.
  std::string backup_dir;
  // What /metrics reports (may be null), and the limit on failed
  // authentications (null: none).
  Metrics* metrics = nullptr;
  AuthLimiter* auth_limiter = nullptr;
  // Behind a reverse proxy: limit failed authentications by the address
  // the proxy appended to X-Forwarded-For, not by the proxy's own.
  bool trust_forwarded_for = false;
};

class Router {
 public:
  explicit Router(Services services) : services_(std::move(services)) {}

  // `credential_key` receives the authenticated key (for the access log).
  // `streams` (may be null when neither is used) carries a spooled request
  // body in and a streamed response body out. `client_address` (the peer's
  // IP address) is what failed authentications are limited by.
  Response Handle(Request& request, std::string* credential_key, Streams* streams = nullptr,
                  std::string_view client_address = {});

  // Requests whose body the server spools to a file instead of memory (a
  // bundle import), decided from the head alone.
  static bool SpoolsBody(const bhttp::request_header<>& head);
  // Whether such a request may send its body at all: the credential is
  // checked before gigabytes are written to disk. A failure is the error
  // to answer with.
  Status AdmitSpooled(const bhttp::request_header<>& head, std::string_view client_address = {});

 private:
  // Authenticates under the failed-authentication limit; on 429 (that
  // limit) *retry_after_seconds is set.
  Result<store::Credential> Authenticate(const bhttp::request_header<>& head,
                                         std::string_view client_address,
                                         int64_t* retry_after_seconds);
  Response Dispatch(RequestContext& ctx);
  static bool IsConsentPath(std::string_view path);
  Response DispatchConsent(RequestContext& ctx);
  Services services_;
};

}  // namespace lrs::http
