#include "lrs/http/server.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>
#include <vector>

#include "lrs/http/server_impl.h"
#include "lrs/http/session.h"

namespace lrs::http {

using tcp = net::ip::tcp;

namespace {

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

// Sessions started refusing (nothing could be evicted) beyond the limit;
// past these, a new connection is closed unanswered.
constexpr size_t kRefusingSlack = 64;

// TLS 1.2 and 1.3 only, with the certificate chain and key from PEM files.
Status MakeTlsContext(const ServerOptions& o, std::optional<net::ssl::context>* out) {
  out->emplace(net::ssl::context::tls_server);
  auto& ctx = **out;
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1) {
    return Status::Internal("TLS: cannot require TLS 1.2");
  }
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec)
    return Status::InvalidArgument("tls-cert: cannot use " + o.tls_cert_file + ": " + ec.message());
  ctx.use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
  if (ec)
    return Status::InvalidArgument("tls-key: cannot use " + o.tls_key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Status::InvalidArgument("tls-key: does not match the certificate in tls-cert");
  }
  return Status::Ok();
}

}  // namespace

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Server::Impl::Register(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard lock(sessions_mu_);
  sessions_[session.get()] = session;
}

void Server::Impl::Forget(SessionBase* session) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(session);
}

size_t Server::Impl::SessionCount() {
  std::lock_guard lock(sessions_mu_);
  return sessions_.size();
}

bool Server::Impl::EvictLongestReader() {
  std::shared_ptr<SessionBase> victim;
  int64_t since = 0;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& [raw, weak] : sessions_) {
      int64_t s = raw->reading_since.load();
      if (s == 0 || (victim && s >= since)) continue;
      if (auto session = weak.lock()) {
        victim = std::move(session);
        since = s;
      }
    }
    // Claimed under the lock, so the next accept picks another one.
    if (victim && !victim->reading_since.compare_exchange_strong(since, 0)) victim.reset();
  }
  if (!victim) return false;
  victim->Evict();
  if (options.metrics) options.metrics->ConnectionEvicted();
  return true;
}

void Server::Impl::Admit(tcp::socket socket) {
  bool refusing = false;
  size_t count = SessionCount();
  if (count >= options.max_connections && !EvictLongestReader()) {
    if (count >= options.max_connections + kRefusingSlack) return;  // closes `socket`
    refusing = true;
  }
  if (tls) {
    std::make_shared<TlsSession>(this, refusing, std::move(socket), *tls)->Start();
  } else {
    std::make_shared<PlainSession>(this, refusing, std::move(socket))->Start();
  }
}

void Server::Impl::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors, most likely: accepting again at once would
      // spin on the same error; a pause lets connections close.
      std::fprintf(stderr, "lrsd: accept: %s\n", ec.message().c_str());
      accept_pause.expires_after(std::chrono::milliseconds(100));
      accept_pause.async_wait([this](beast::error_code wait) {
        if (!wait && !stopping) Accept();
      });
      return;
    }
    Admit(std::move(socket));
    Accept();
  });
}

Server::Server(ServerOptions options, Router* router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { impl_->workers.join(); }

Status Server::Listen() {
  if (!impl_->options.tls_cert_file.empty() || !impl_->options.tls_key_file.empty()) {
    if (impl_->options.tls_cert_file.empty() || impl_->options.tls_key_file.empty()) {
      return Status::InvalidArgument("tls-cert and tls-key: give both, or neither");
    }
    if (Status s = MakeTlsContext(impl_->options, &impl_->tls); !s.ok()) return s;
  }
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return Status::InvalidArgument("listen: not an IP address: " + impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.emplace(impl_->ioc);
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("listen on " + impl_->options.host + ":" +
                           std::to_string(impl_->options.port) + ": " + ec.message());
  }
  port_ = impl_->acceptor->local_endpoint().port();
  return Status::Ok();
}

bool Server::tls() const { return impl_->tls.has_value(); }

void Server::Run() {
  impl_->Accept();
  int n = impl_->options.io_threads > 0
              ? impl_->options.io_threads
              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto guard = net::make_work_guard(impl_->ioc);
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  // The calling thread serves too, and wakes for Stop()'s drain.
  std::thread drainer([this, &guard] {
    while (!impl_->stopping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (impl_->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    guard.reset();
    impl_->ioc.stop();
  });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  drainer.join();
}

void Server::Stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    if (impl_->acceptor) impl_->acceptor->close(ec);
    impl_->accept_pause.cancel();
  });
}

}  // namespace lrs::http
