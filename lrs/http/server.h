// Server: the Beast listener and its sessions (after Beast's advanced server
// example). I/O threads only read and write; each complete request is handed
// to a worker pool, because handlers block on the store (a durable write
// waits for fsync) and many requests waiting together is what lets the
// store's group commit share one fsync among them.
//
// Limits (ServerOptions): header and body sizes (413), a read timeout per
// request, a connection limit that sheds the slowest senders first, and a
// pending-request limit past which requests are answered 503.
//
// Stop() stops accepting, lets in-flight requests finish and be answered
// (up to a grace period), then returns Run().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "lrs/base/status.h"
#include "lrs/http/metrics.h"
#include "lrs/http/router.h"

namespace lrs::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  int io_threads = 0;    // 0: one per core
  int worker_threads = 64;
  size_t max_body_bytes = 64u << 20;
  size_t max_header_bytes = 64u << 10;
  // A request's head and body must arrive within this (so must a
  // response be taken), and an idle keep-alive connection closes after it.
  std::chrono::seconds read_timeout{30};
  // Open connections; at the limit, the one longest in sending its request
  // is closed for a new one (see server_impl.h).
  size_t max_connections = 10000;
  // Requests waiting for or held by a worker; beyond, 503 with Retry-After.
  size_t max_pending_requests = 1024;
  // Request bodies held in memory together, from the head that announces
  // one until its answer: a body is read before its credential is checked,
  // so without this many connections could each make lrsd hold
  // max_body_bytes. A request that would go over gets 503 with Retry-After.
  // (A body without Content-Length counts as max_body_bytes.)
  size_t max_buffered_body_bytes = size_t{512} << 20;
  // HTTPS when both are set (PEM files: the certificate chain, the key);
  // TLS 1.2 and 1.3 only.
  std::string tls_cert_file;
  std::string tls_key_file;
  Metrics* metrics = nullptr;  // may be null; outlives the server
  // Request bodies the router spools (Router::SpoolsBody: bundle imports)
  // go to files in this folder instead of memory, up to this size, within
  // this time. Empty: such requests are refused.
  std::string spool_dir;
  uint64_t max_spooled_bytes = uint64_t{64} << 30;
  std::chrono::seconds spool_timeout{3600};
  bool access_log = true;
};

class Server {
 public:
  Server(ServerOptions options, Router* router);
  ~Server();

  // Binds and listens. After it returns ok, port() is the bound port.
  Status Listen();
  uint16_t port() const { return port_; }
  bool tls() const;  // after Listen(): whether it serves HTTPS
  // Serves until Stop(); blocks the calling thread.
  void Run();
  // Safe to call from any thread or a signal-watching thread.
  void Stop();

  class Impl;  // public only so the session type in server.cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace lrs::http
