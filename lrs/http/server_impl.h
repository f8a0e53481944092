// Private to lrs/http/server.cpp and session.h: the listener's state that
// its sessions share (options, router, worker pool, counters), and the
// registry of open connections the connection limit works from.
//
// At the limit (ServerOptions::max_connections) a new connection evicts the
// connection that has been sending its request the longest: a slow or idle
// client (slowloris) cannot hold the server's connections against clients
// that send whole requests. When no connection is sending one (all are busy
// being answered), the new connection is answered 503 once it has sent its
// request head.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "lrs/http/server.h"

namespace lrs::http {

namespace net = boost::asio;

// What the listener knows of a session, whatever its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection, from the session's own strand.
  virtual void Evict() = 0;
  // Since when (steady clock, microseconds) the session has been waiting
  // for the request it is reading; 0 while it has none to read (it is being
  // answered, or receiving an admitted upload).
  std::atomic<int64_t> reading_since{0};
};

class Server::Impl {
 public:
  Impl(ServerOptions o, Router* r)
      : options(std::move(o)),
        router(r),
        workers(static_cast<size_t>(options.worker_threads)),
        accept_pause(ioc) {}

  ServerOptions options;
  Router* router;
  net::io_context ioc;
  std::optional<net::ip::tcp::acceptor> acceptor;
  std::optional<net::ssl::context> tls;  // set when serving HTTPS
  net::thread_pool workers;
  net::steady_timer accept_pause;
  std::atomic<int> in_flight{0};                 // requests handed to workers and not yet answered
  std::atomic<uint64_t> buffered_body_bytes{0};  // reserved by sessions (ServerOptions)
  std::atomic<bool> stopping{false};

  void Accept();

  void Register(const std::shared_ptr<SessionBase>& session);
  void Forget(SessionBase* session);

 private:
  // Starts a session on `socket`: evicts the longest reader at the limit,
  // or starts it refusing when nothing can be evicted, or closes `socket`
  // outright when even refusing sessions are at their limit.
  void Admit(net::ip::tcp::socket socket);
  size_t SessionCount();
  bool EvictLongestReader();

  std::mutex sessions_mu_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
};

int64_t SteadyMicros();

}  // namespace lrs::http
