// lrsd: the learner-owned xAPI record store server.
//
// Settings come from, in increasing precedence: defaults, a JSON config file
// (--config / LRS_CONFIG), environment variables, command-line flags.
#include <malloc.h>
#include <sys/resource.h>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "lrs/base/encoding.h"
#include "lrs/http/router.h"
#include "lrs/http/server.h"
#include "lrs/portability/store_key.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"
#include "lrs/store/document_store.h"
#include "lrs/store/rocks_statement_store.h"

namespace {

constexpr char kUsage[] = R"(Usage: lrsd [options]

A learner-owned xAPI Learning Record Store (xAPI 1.0.3 and 2.0.0 at /xapi).

Options (each also as an environment variable):
  --listen HOST:PORT   address to serve on           LRS_LISTEN  (default 127.0.0.1:8080)
  --data DIR           data directory (RocksDB)      LRS_DATA    (default ./data)
  --config FILE        JSON configuration file       LRS_CONFIG
  --threads N          I/O threads (0: one per core) LRS_THREADS (default 0)
  --tls-cert FILE      serve HTTPS with this PEM certificate chain
                                                     LRS_TLS_CERT
  --tls-key FILE       and this PEM private key      LRS_TLS_KEY
  --trust-store-key KEYID
                       a store whose bundles may link new identities on
                       import (its key id, from its /xapi/about); repeatable
                                                     LRS_TRUSTED_STORE_KEYS (comma-separated)
  --quiet              no access log
  --help               this text

Admin credential: LRS_ADMIN_KEY and LRS_ADMIN_SECRET set it at start. Without
them, the first start on an empty data directory generates one and prints it
once. LRS_METRICS_KEY and LRS_METRICS_SECRET set a credential that may read
/metrics and /healthz and nothing else.

Config file keys: listen, data, threads, worker_threads, block_cache_mb,
memtable_mb (RocksDB memtable budget, default 128),
max_body_bytes, max_header_bytes, max_statements_per_batch,
read_timeout_seconds, max_connections, max_pending_requests,
max_buffered_body_mb (request bodies held at once, default 512),
auth_max_failures_per_address, auth_max_failures_per_key,
auth_window_seconds, trust_forwarded_for (behind a proxy), tls_cert,
tls_key, authority_home_page, access_log, default_xapi_version,
trusted_store_keys (array), max_import_bytes, backup_dir.

The data directory also holds store-key.pem, the key this store signs
exported bundles with (created on the first start; back it up with the
data), and spool/, where uploaded bundles wait while they are imported.

LRS_DEFAULT_XAPI_VERSION (or default_xapi_version): the version a response
names when the request named none (default 1.0.3).

LRS_BACKUP_DIR (or backup_dir): an absolute directory; POST /admin/backups
writes online backups only inside it (unset: backups over HTTP are off).
lrsctl backup asks for one, lrsctl restore makes a data directory of one
(docs/OPERATIONS.md).
)";

struct Settings {
  std::string listen = "127.0.0.1:8080";
  std::string data = "./data";
  std::string config;
  lrs::http::ServerOptions server;
  lrs::http::Limits limits;
  lrs::http::AuthLimits auth_limits;
  bool trust_forwarded_for = false;
  size_t block_cache_mb = 256;
  size_t memtable_mb = 128;
  std::string authority_home_page = "urn:lrs:credential";
  std::string default_version = "1.0.3";
  std::string backup_dir;  // where POST /admin/backups may write; empty: off
  std::set<std::string> trusted_store_keys;
};

void AddKeyList(std::string_view list, std::set<std::string>* out) {
  std::stringstream ss{std::string(list)};
  for (std::string k; std::getline(ss, k, ',');) {
    if (!k.empty()) out->insert(k);
  }
}

bool ReadConfigFile(const std::string& path, Settings* s) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "lrsd: cannot read config file %s\n", path.c_str());
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  boost::json::error_code ec;
  auto v = boost::json::parse(text.str(), ec);
  if (ec || !v.is_object()) {
    std::fprintf(stderr, "lrsd: config file %s is not a JSON object\n", path.c_str());
    return false;
  }
  try {
    for (const auto& [key, value] : v.get_object()) {
      if (key == "listen")
        s->listen = value.as_string();
      else if (key == "data")
        s->data = value.as_string();
      else if (key == "threads")
        s->server.io_threads = value.to_number<int>();
      else if (key == "worker_threads")
        s->server.worker_threads = value.to_number<int>();
      else if (key == "block_cache_mb")
        s->block_cache_mb = value.to_number<size_t>();
      else if (key == "memtable_mb")
        s->memtable_mb = value.to_number<size_t>();
      else if (key == "max_body_bytes")
        s->server.max_body_bytes = value.to_number<size_t>();
      else if (key == "max_header_bytes")
        s->server.max_header_bytes = value.to_number<size_t>();
      else if (key == "max_connections")
        s->server.max_connections = value.to_number<size_t>();
      else if (key == "max_pending_requests")
        s->server.max_pending_requests = value.to_number<size_t>();
      else if (key == "max_buffered_body_mb")
        s->server.max_buffered_body_bytes = value.to_number<size_t>() << 20;
      else if (key == "auth_max_failures_per_address")
        s->auth_limits.max_failures_per_address = value.to_number<int>();
      else if (key == "auth_max_failures_per_key")
        s->auth_limits.max_failures_per_key = value.to_number<int>();
      else if (key == "auth_window_seconds")
        s->auth_limits.window = std::chrono::seconds(value.to_number<int>());
      else if (key == "trust_forwarded_for")
        s->trust_forwarded_for = value.as_bool();
      else if (key == "tls_cert")
        s->server.tls_cert_file = value.as_string();
      else if (key == "tls_key")
        s->server.tls_key_file = value.as_string();
      else if (key == "max_statements_per_batch")
        s->limits.max_statements_per_batch = value.to_number<size_t>();
      else if (key == "read_timeout_seconds")
        s->server.read_timeout = std::chrono::seconds(value.to_number<int>());
      else if (key == "authority_home_page")
        s->authority_home_page = value.as_string();
      else if (key == "access_log")
        s->server.access_log = value.as_bool();
      else if (key == "default_xapi_version")
        s->default_version = value.as_string();
      else if (key == "max_import_bytes")
        s->server.max_spooled_bytes = value.to_number<uint64_t>();
      else if (key == "backup_dir")
        s->backup_dir = value.as_string();
      else if (key == "trusted_store_keys") {
        for (const auto& k : value.as_array())
          s->trusted_store_keys.insert(std::string(k.as_string()));
      } else {
        std::fprintf(stderr, "lrsd: config file %s: unknown key \"%s\"\n", path.c_str(),
                     std::string(key).c_str());
        return false;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lrsd: config file %s: wrong type of value (%s)\n", path.c_str(),
                 e.what());
    return false;
  }
  return true;
}

// 0: go on; 1: exit ok (help); 2: usage error.
int ParseSettings(int argc, char** argv, Settings* s) {
  std::string listen_flag, data_flag, threads_flag, cert_flag, key_flag;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string trusted;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 1;
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--trust-store-key" && value(&trusted)) {
      s->trusted_store_keys.insert(trusted);
    } else if ((arg == "--listen" && value(&listen_flag)) ||
               (arg == "--data" && value(&data_flag)) || (arg == "--config" && value(&s->config)) ||
               (arg == "--threads" && value(&threads_flag)) ||
               (arg == "--tls-cert" && value(&cert_flag)) ||
               (arg == "--tls-key" && value(&key_flag))) {
    } else {
      std::fprintf(stderr, "lrsd: unknown or incomplete option %s (see --help)\n", arg.c_str());
      return 2;
    }
  }
  if (s->config.empty()) {
    if (const char* c = std::getenv("LRS_CONFIG")) s->config = c;
  }
  if (!s->config.empty() && !ReadConfigFile(s->config, s)) return 2;
  if (const char* e = std::getenv("LRS_LISTEN")) s->listen = e;
  if (const char* e = std::getenv("LRS_DATA")) s->data = e;
  if (const char* e = std::getenv("LRS_DEFAULT_XAPI_VERSION")) s->default_version = e;
  if (const char* e = std::getenv("LRS_BACKUP_DIR")) s->backup_dir = e;
  if (!s->backup_dir.empty() && s->backup_dir.front() != '/') {
    std::fprintf(stderr, "lrsd: backup_dir must be an absolute path, got %s\n",
                 s->backup_dir.c_str());
    return 2;
  }
  if (const char* e = std::getenv("LRS_TRUSTED_STORE_KEYS")) AddKeyList(e, &s->trusted_store_keys);
  if (const char* e = std::getenv("LRS_TLS_CERT")) s->server.tls_cert_file = e;
  if (const char* e = std::getenv("LRS_TLS_KEY")) s->server.tls_key_file = e;
  if (!cert_flag.empty()) s->server.tls_cert_file = cert_flag;
  if (!key_flag.empty()) s->server.tls_key_file = key_flag;
  if (!lrs::xapi::ParseVersionHeader(s->default_version)) {
    std::fprintf(stderr, "lrsd: default xAPI version must be 1.0.3 or 2.0.0, got %s\n",
                 s->default_version.c_str());
    return 2;
  }
  if (const char* e = std::getenv("LRS_THREADS"))
    threads_flag = threads_flag.empty() ? e : threads_flag;
  if (!listen_flag.empty()) s->listen = listen_flag;
  if (!data_flag.empty()) s->data = data_flag;
  if (!threads_flag.empty()) s->server.io_threads = std::atoi(threads_flag.c_str());
  if (quiet) s->server.access_log = false;
  size_t colon = s->listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "lrsd: --listen must be HOST:PORT, got %s\n", s->listen.c_str());
    return 2;
  }
  s->server.host = s->listen.substr(0, colon);
  if (s->server.host.size() > 2 && s->server.host.front() == '[') {
    s->server.host = s->server.host.substr(1, s->server.host.size() - 2);
  }
  s->server.port = static_cast<uint16_t>(std::atoi(s->listen.c_str() + colon + 1));
  return 0;
}

bool SetUpAdmin(lrs::store::CredentialStore& credentials) {
  lrs::store::Credential admin;
  admin.name = "operator";
  admin.scopes = {"all"};
  const char* key = std::getenv("LRS_ADMIN_KEY");
  const char* secret = std::getenv("LRS_ADMIN_SECRET");
  if (key && secret && *key && *secret) {
    admin.key = key;
    lrs::Status s = credentials.Put(admin, secret);
    if (!s.ok())
      std::fprintf(stderr, "lrsd: cannot store the admin credential: %s\n", s.message().c_str());
    return s.ok();
  }
  auto empty = credentials.Empty();
  if (!empty.ok()) return false;
  if (!*empty) return true;
  admin.key = lrs::HexEncode(lrs::RandomBytes(12));
  std::string generated = lrs::Base64UrlEncode(lrs::RandomBytes(24));
  if (!credentials.Put(admin, generated).ok()) return false;
  std::printf("lrsd: created the admin credential (shown only now):\n  key:    %s\n  secret: %s\n",
              admin.key.c_str(), generated.c_str());
  std::fflush(stdout);
  return true;
}

// The credential of LRS_METRICS_KEY / LRS_METRICS_SECRET, when both are set:
// scope "metrics" only, so a monitoring system holds no power over records.
bool SetUpMetricsCredential(lrs::store::CredentialStore& credentials) {
  const char* key = std::getenv("LRS_METRICS_KEY");
  const char* secret = std::getenv("LRS_METRICS_SECRET");
  if (!key || !secret || !*key || !*secret) return true;
  lrs::store::Credential c;
  c.key = key;
  c.name = "metrics";
  c.scopes = {"metrics"};
  lrs::Status s = credentials.Put(c, secret);
  if (!s.ok())
    std::fprintf(stderr, "lrsd: cannot store the metrics credential: %s\n", s.message().c_str());
  return s.ok();
}

// Each connection is a descriptor, and RocksDB keeps its files open: the
// soft limit (often 1,024) is raised to the hard one, and the connection
// limit kept below it, so accept() never fails for want of descriptors.
void FitConnectionsToDescriptors(lrs::http::ServerOptions* server) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  // RocksDB's files, the spool, the store key: a reserve of 512.
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur <= 1024) {
    if (limit.rlim_cur != RLIM_INFINITY)
      server->max_connections = std::min<size_t>(server->max_connections, 512);
    return;
  }
  size_t fit = static_cast<size_t>(limit.rlim_cur) - 512;
  if (server->max_connections > fit) {
    std::fprintf(stderr, "lrsd: max_connections lowered to %zu to fit the descriptor limit\n", fit);
    server->max_connections = fit;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each of up to 8 x cores threads its own malloc arena, and
  // each arena keeps what the request bodies and write groups it served
  // once needed: with lrsd's 64 workers, hundreds of MB resident that no
  // request uses (docs/PERFORMANCE.md, "Memory"). Four arenas keep
  // allocation contention low on small machines. MALLOC_ARENA_MAX in the
  // environment still decides when set.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 4);
  Settings settings;
  if (int rc = ParseSettings(argc, argv, &settings); rc != 0) return rc == 1 ? 0 : 2;

  lrs::store::DatabaseOptions db_options;
  db_options.path = settings.data;
  db_options.block_cache_bytes = settings.block_cache_mb << 20;
  db_options.memtable_budget_bytes = settings.memtable_mb << 20;
  auto db = lrs::store::Database::Open(db_options);
  if (!db.ok()) {
    std::fprintf(stderr, "lrsd: %s\n", db.status().message().c_str());
    return 1;
  }
  auto statements = lrs::store::RocksStatementStore::Open(db->get());
  if (!statements.ok()) {
    std::fprintf(stderr, "lrsd: %s\n", statements.status().message().c_str());
    return 1;
  }
  lrs::store::CredentialStore credentials(db->get());
  lrs::store::DocumentStore documents(db->get(), (*statements)->partitions());
  lrs::store::AccountStore accounts(db->get(), (*statements)->partitions());
  lrs::store::GrantStore grants(db->get());
  lrs::store::AuditStore audit(db->get());
  lrs::consent::ReadRule read_rule(&accounts, &grants, (*statements)->partitions(),
                                   settings.authority_home_page);
  lrs::consent::Erasure erasure({&accounts, &grants, &audit, &credentials, &documents,
                                 statements->get(), (*statements)->partitions()});
  if (!SetUpAdmin(credentials) || !SetUpMetricsCredential(credentials)) return 1;
  auto store_key = lrs::portability::StoreKey::LoadOrCreate(settings.data);
  if (!store_key.ok()) {
    std::fprintf(stderr, "lrsd: store key: %s\n", store_key.status().message().c_str());
    return 1;
  }
  // Uploads left by a crash are never resumed (the client got no answer and
  // sends again): the spool starts empty.
  settings.server.spool_dir = settings.data + "/spool";
  std::error_code fs_error;
  std::filesystem::remove_all(settings.server.spool_dir, fs_error);
  std::filesystem::create_directories(settings.server.spool_dir, fs_error);
  if (fs_error) {
    std::fprintf(stderr, "lrsd: cannot create %s: %s\n", settings.server.spool_dir.c_str(),
                 fs_error.message().c_str());
    return 1;
  }
  // An erasure a crash interrupted is finished before anything is served.
  if (lrs::Status s = erasure.ResumePending(); !s.ok()) {
    std::fprintf(stderr, "lrsd: finishing an interrupted erasure: %s\n", s.message().c_str());
    return 1;
  }

  lrs::http::Metrics metrics;
  lrs::http::AuthLimiter auth_limiter(settings.auth_limits);
  settings.server.metrics = &metrics;
  FitConnectionsToDescriptors(&settings.server);
  lrs::http::Services services;
  services.database = db->get();
  services.metrics = &metrics;
  services.auth_limiter = &auth_limiter;
  services.trust_forwarded_for = settings.trust_forwarded_for;
  services.statements = statements->get();
  services.credentials = &credentials;
  services.documents = &documents;
  services.accounts = &accounts;
  services.grants = &grants;
  services.audit = &audit;
  services.read_rule = &read_rule;
  services.erasure = &erasure;
  services.store_key = *store_key;
  services.import_policy.trusted_keys = settings.trusted_store_keys;
  services.limits = settings.limits;
  services.authority_home_page = settings.authority_home_page;
  services.default_version = *lrs::xapi::ParseVersionHeader(settings.default_version);
  services.backup_dir = settings.backup_dir;
  lrs::http::Router router(services);
  lrs::http::Server server(settings.server, &router);
  if (lrs::Status s = server.Listen(); !s.ok()) {
    std::fprintf(stderr, "lrsd: %s\n", s.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "lrsd: serving xAPI at %s://%s:%u/xapi (data in %s, store key %s)\n",
               server.tls() ? "https" : "http", settings.server.host.c_str(), server.port(),
               settings.data.c_str(), (*store_key)->KeyId().c_str());

  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    std::fprintf(stderr, "lrsd: signal %d, finishing in-flight requests\n", sig);
    server.Stop();
  });
  std::thread signal_thread([&] { signals_io.run(); });
  server.Run();
  signals_io.stop();
  signal_thread.join();
  std::fprintf(stderr, "lrsd: stopped\n");
  return 0;  // stores and the database close in reverse order of creation
}
