#include "lrs/http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <functional>
#include <future>
#include <thread>

#include <vector>
#include "lrs/base/encoding.h"

namespace lrs::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class Server::Impl {
 public:
  Impl(ServerOptions o, Router* r)
      : options(std::move(o)), router(r), workers(static_cast<size_t>(options.worker_threads)) {}

  ServerOptions options;
  Router* router;
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  net::thread_pool workers;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};

  void Accept();
};

namespace {

void LogRequest(const Request& req, const Response& res,
                std::chrono::steady_clock::time_point start, const std::string& key) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));  // queries may carry personal data
  std::fprintf(stderr, "%s %.*s %d %.3fms key=%s\n", std::string(req.method_string()).c_str(),
               static_cast<int>(target.size()), target.data(), res.result_int(), micros / 1000.0,
               key.empty() ? "-" : key.c_str());
}

// Runs one asynchronous write on `stream` (on its strand, under its
// timeout) and waits for it: the way a worker thread producing a streamed
// body writes, so a client that stops reading frees the worker when the
// timeout fires instead of holding it for ever.
template <class Start>
beast::error_code WaitForWrite(beast::tcp_stream& stream, std::chrono::seconds timeout, Start start) {
  auto done = std::make_shared<std::promise<beast::error_code>>();
  auto result = done->get_future();
  net::post(stream.get_executor(), [&stream, timeout, start, done]() mutable {
    stream.expires_after(timeout);
    start([done](beast::error_code ec, size_t) { done->set_value(ec); });
  });
  // The stream's timeout ends the write; this wait's own limit only matters
  // when the I/O threads are gone (the server stopping), which would leave
  // the handler never called.
  if (result.wait_for(timeout + std::chrono::seconds(5)) != std::future_status::ready) {
    return net::error::operation_aborted;
  }
  return result.get();
}

// Sends a response body as HTTP chunks from the worker thread that produces
// it (the session has no other operation in flight meanwhile). Buffers up to
// 256 KiB per chunk.
class ChunkSink : public portability::ByteSink {
 public:
  ChunkSink(beast::tcp_stream& stream, std::chrono::seconds timeout) : stream_(stream), timeout_(timeout) {}
  Status Write(std::string_view bytes) override {
    buffer_.append(bytes);
    return buffer_.size() >= kChunk ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (buffer_.empty()) return Status::Ok();
    auto chunk = bhttp::make_chunk(net::buffer(buffer_));
    beast::error_code ec = WaitForWrite(stream_, timeout_, [&](auto handler) {
      net::async_write(stream_, chunk, std::move(handler));
    });
    buffer_.clear();
    return ec ? Status::IoError("client connection: " + ec.message()) : Status::Ok();
  }

 private:
  static constexpr size_t kChunk = 256u << 10;
  beast::tcp_stream& stream_;
  std::chrono::seconds timeout_;
  std::string buffer_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl* server) : stream_(std::move(socket)), server_(server) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  // Every request starts with its head alone, so the body's destination
  // (memory, or a spool file) can depend on what the head says.
  void Read() {
    head_parser_.emplace();
    parser_.reset();
    spool_parser_.reset();
    head_parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
    // The head's parser must not judge the body (its default limit is 1 MiB):
    // which limit applies depends on where the body goes, decided in OnHead.
    head_parser_->body_limit(boost::none);
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *head_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec == bhttp::error::header_limit)
      return Reject(Status::TooLarge("request headers exceed the limit"));
    if (ec) return Close();
    bool spools = Router::SpoolsBody(head_parser_->get());
    auto length = head_parser_->content_length();
    if (length &&
        *length > (spools ? server_->options.max_spooled_bytes : server_->options.max_body_bytes)) {
      return Reject(Status::TooLarge("request body exceeds the limit"));
    }
    if (spools) return Admit();
    parser_.emplace(std::move(*head_parser_));
    parser_->body_limit(server_->options.max_body_bytes);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit)
      return Reject(Status::TooLarge("request body exceeds the limit"));
    if (ec) return Close();
    Dispatch(std::make_shared<Request>(parser_->release()), std::nullopt);
  }

  // A spooled body: the credential is checked first (on a worker: it costs
  // a key derivation), so no one writes gigabytes to disk unauthenticated.
  void Admit() {
    stream_.expires_never();
    if (server_->options.spool_dir.empty())
      return Reject(Status::TooLarge("this server accepts no bundle uploads"));
    auto head = std::make_shared<bhttp::request_header<>>(head_parser_->get().base());
    net::post(server_->workers, [self = shared_from_this(), head] {
      Status admitted = Status::Internal("internal error");
      try {
        admitted = self->server_->router->AdmitSpooled(*head);
      } catch (const std::exception&) {
        // A worker's exception would end the process; this one ends the request.
      }
      net::post(self->stream_.get_executor(), [self, admitted] { self->Spool(admitted); });
    });
  }

  void Spool(const Status& admitted) {
    if (!admitted.ok()) return Reject(admitted);
    spool_path_ = server_->options.spool_dir + "/upload-" + HexEncode(RandomBytes(12));
    spool_parser_.emplace(std::move(*head_parser_));
    spool_parser_->body_limit(server_->options.max_spooled_bytes);
    beast::error_code ec;
    spool_parser_->get().body().open(spool_path_.c_str(), beast::file_mode::write_new, ec);
    if (ec) return Reject(Status::IoError("cannot spool the request body"));
    stream_.expires_after(server_->options.spool_timeout);
    auto expect = spool_parser_->get().find(bhttp::field::expect);
    if (expect != spool_parser_->get().end() && beast::iequals(expect->value(), "100-continue")) {
      // curl and others wait for this before sending a large body.
      auto go_on =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      return bhttp::async_write(stream_, *go_on,
                                [self = shared_from_this(), go_on](beast::error_code ec, size_t) {
                                  if (ec) {
                                    std::remove(self->spool_path_.c_str());
                                    return self->Close();
                                  }
                                  self->ReadSpooled();
                                });
    }
    ReadSpooled();
  }

  void ReadSpooled() {
    bhttp::async_read(
        stream_, buffer_, *spool_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnSpooled(ec); });
  }

  void OnSpooled(beast::error_code ec) {
    std::string path = std::move(spool_path_);
    if (ec) {
      std::remove(path.c_str());
      if (ec == bhttp::error::body_limit)
        return Reject(Status::TooLarge("request body exceeds the limit"));
      return Close();
    }
    auto spooled = spool_parser_->release();
    spooled.body().close();
    Dispatch(std::make_shared<Request>(std::move(spooled.base())), path);
  }

  // Hands a complete request to a worker; the response (or its streamed
  // body) is written back from there.
  void Dispatch(std::shared_ptr<Request> req, std::optional<std::string> spooled) {
    stream_.expires_never();
    server_->in_flight++;
    auto start = std::chrono::steady_clock::now();
    net::post(server_->workers, [self = shared_from_this(), req, start, spooled] {
      std::string key;
      Streams streams;
      streams.spooled_body = spooled;
      Response res = self->server_->router->Handle(*req, &key, &streams);
      if (spooled) std::remove(spooled->c_str());
      if (self->server_->options.access_log) LogRequest(*req, res, start, key);
      if (self->server_->stopping) res.keep_alive(false);
      if (streams.body_writer && res.result() == bhttp::status::ok &&
          req->method() == bhttp::verb::get) {
        bool whole = self->WriteStreamed(res, streams.body_writer);
        bool again = whole && res.keep_alive();
        net::post(self->stream_.get_executor(), [self, again] {
          self->server_->in_flight--;
          if (again && !self->server_->stopping) return self->Read();
          self->Close();
        });
        return;
      }
      auto shared = std::make_shared<Response>(std::move(res));
      net::post(self->stream_.get_executor(), [self, shared] { self->Write(shared, true); });
    });
  }

  // Runs on the worker: head, chunks as `writer` produces them, last chunk.
  // False when the body could not be sent whole (the connection is then
  // closed without the last chunk, so the client sees it cut short).
  bool WriteStreamed(const Response& res,
                     const std::function<Status(portability::ByteSink&)>& writer) {
    auto timeout = server_->options.read_timeout;
    bhttp::response<bhttp::empty_body> head{res.base()};
    head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> serializer{head};
    beast::error_code ec = WaitForWrite(stream_, timeout, [&](auto handler) {
      bhttp::async_write_header(stream_, serializer, std::move(handler));
    });
    if (ec) return false;
    ChunkSink sink(stream_, timeout);
    Status produced = Status::Ok();
    try {
      produced = writer(sink);
    } catch (const std::exception& e) {
      // Outside the router's guard: an exception here must cut this one
      // response, not terminate the server.
      produced = Status::Internal(e.what());
    }
    if (produced.ok()) produced = sink.Flush();
    if (!produced.ok()) {
      std::fprintf(stderr, "streamed response cut short: %s\n", produced.message().c_str());
      return false;
    }
    auto last = bhttp::make_chunk_last();
    ec = WaitForWrite(stream_, timeout, [&](auto handler) { net::async_write(stream_, last, std::move(handler)); });
    return !ec;
  }

  // Answers a request that could not be read whole, then closes.
  void Reject(const Status& s) {
    Request req;
    req.version(11);
    auto res = std::make_shared<Response>(ErrorResponse(req, s, std::nullopt));
    res->keep_alive(false);
    server_->in_flight++;
    Write(res, true);
  }

  void Write(std::shared_ptr<Response> res, bool counted) {
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, counted](beast::error_code ec, size_t) {
                         if (counted) self->server_->in_flight--;
                         if (ec || !res->keep_alive() || self->server_->stopping)
                           return self->Close();
                         self->Read();
                       });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> head_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> spool_parser_;
  std::string spool_path_;
  Server::Impl* server_;
};

}  // namespace

void Server::Impl::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) return;
    } else {
      std::make_shared<Session>(std::move(socket), this)->Start();
    }
    if (!stopping) Accept();
  });
}

Server::Server(ServerOptions options, Router* router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { impl_->workers.join(); }

Status Server::Listen() {
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
  });
}

}  // namespace lrs::http
