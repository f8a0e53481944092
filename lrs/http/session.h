// Private to lrs/http/server.cpp: one client connection, over plain TCP
// (Stream = beast::tcp_stream) or TLS (beast::ssl_stream<beast::tcp_stream>),
// after Beast's advanced server example. It reads a request (head first, so
// the body's destination and limit can depend on the head), hands it to a
// worker, writes the response back, and reads the next.
//
// Every read and write runs under a timeout (ServerOptions::read_timeout):
// a request's head and body must arrive within it, so a client sending a
// byte at a time holds its connection no longer than that.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <functional>
#include <future>
#include <type_traits>

#include "lrs/base/encoding.h"
#include "lrs/http/metrics.h"
#include "lrs/http/server_impl.h"

namespace lrs::http {

namespace beast = boost::beast;

// Runs one asynchronous write on `stream` (on its strand, under its
// timeout) and waits for it: the way a worker thread producing a streamed
// body writes, so a client that stops reading frees the worker when the
// timeout fires instead of holding it for ever. `timer` is the stream's
// lowest layer, which owns the executor and the timeout.
template <class Start>
beast::error_code WaitForWrite(beast::tcp_stream& timer, std::chrono::seconds timeout,
                               Start start) {
  auto done = std::make_shared<std::promise<beast::error_code>>();
  auto result = done->get_future();
  net::post(timer.get_executor(), [&timer, timeout, start, done]() mutable {
    timer.expires_after(timeout);
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
template <class Stream>
class ChunkSink : public portability::ByteSink {
 public:
  ChunkSink(Stream& stream, std::chrono::seconds timeout) : stream_(stream), timeout_(timeout) {}
  Status Write(std::string_view bytes) override {
    buffer_.append(bytes);
    return buffer_.size() >= kChunk ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (buffer_.empty()) return Status::Ok();
    auto chunk = bhttp::make_chunk(net::buffer(buffer_));
    beast::error_code ec =
        WaitForWrite(beast::get_lowest_layer(stream_), timeout_,
                     [&](auto handler) { net::async_write(stream_, chunk, std::move(handler)); });
    buffer_.clear();
    return ec ? Status::IoError("client connection: " + ec.message()) : Status::Ok();
  }

 private:
  static constexpr size_t kChunk = 256u << 10;
  Stream& stream_;
  std::chrono::seconds timeout_;
  std::string buffer_;
};

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  // `refusing`: the server is at its connection limit; this session answers
  // its first request with 503 and closes.
  template <class... StreamArgs>
  Session(Server::Impl* server, bool refusing, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...), server_(server), refusing_(refusing) {
    beast::error_code ec;
    auto peer = lowest().socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().to_string();
    if (server_->options.metrics) server_->options.metrics->ConnectionOpened();
  }
  ~Session() override {
    ReleaseBody();
    server_->Forget(this);
    if (server_->options.metrics) server_->options.metrics->ConnectionClosed();
  }

  void Start() {
    reading_since = SteadyMicros();
    server_->Register(this->shared_from_this());
    net::dispatch(lowest().get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->lowest().expires_after(self->server_->options.read_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return;  // not TLS, or gone: nothing to answer
          self->Read();
        });
      } else {
        self->Read();
      }
    });
  }

  void Evict() override {
    net::post(lowest().get_executor(), [self = this->shared_from_this()] {
      beast::error_code ec;
      self->lowest().socket().close(ec);
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return server_->options; }

  // Every request starts with its head alone, so the body's destination
  // (memory, or a spool file) can depend on what the head says.
  void Read() {
    reading_since = SteadyMicros();
    method_.clear();
    path_.clear();
    head_parser_.emplace();
    parser_.reset();
    spool_parser_.reset();
    head_parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes));
    // The head's parser must not judge the body (its default limit is 1 MiB):
    // which limit applies depends on where the body goes, decided in OnHead.
    head_parser_->body_limit(boost::none);
    lowest().expires_after(options().read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *head_parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec == bhttp::error::header_limit)
      return Reject(Status::TooLarge("request headers exceed the limit"));
    if (ec) return Close();
    std::string_view target(head_parser_->get().target().data(),
                            head_parser_->get().target().size());
    path_ = target.substr(0, target.find('?'));
    method_ = head_parser_->get().method_string();
    if (refusing_) return Reject(Status::Unavailable("too many connections; try again shortly"));
    bool spools = Router::SpoolsBody(head_parser_->get());
    auto length = head_parser_->content_length();
    if (length && *length > (spools ? options().max_spooled_bytes : options().max_body_bytes)) {
      return Reject(Status::TooLarge("request body exceeds the limit"));
    }
    if (spools) return Admit();
    // No body (a GET): nothing to hold. Chunked: as much as it may grow to.
    uint64_t body = head_parser_->is_done() ? 0 : length.value_or(options().max_body_bytes);
    if (!ReserveBody(body)) {
      if (options().metrics) options().metrics->BusyRefused();
      return Reject(Status::Unavailable("the server is busy; try again shortly"));
    }
    parser_.emplace(std::move(*head_parser_));
    parser_->body_limit(options().max_body_bytes);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
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
    reading_since = 0;  // an authenticated upload may take long; never evicted
    lowest().expires_never();
    if (options().spool_dir.empty())
      return Reject(Status::TooLarge("this server accepts no bundle uploads"));
    auto head = std::make_shared<bhttp::request_header<>>(head_parser_->get().base());
    net::post(server_->workers, [self = this->shared_from_this(), head] {
      Status admitted = Status::Internal("internal error");
      try {
        admitted = self->server_->router->AdmitSpooled(*head, self->peer_);
      } catch (const std::exception&) {
        // A worker's exception would end the process; this one ends the request.
      }
      net::post(self->lowest().get_executor(), [self, admitted] { self->Spool(admitted); });
    });
  }

  void Spool(const Status& admitted) {
    if (!admitted.ok()) return Reject(admitted);
    spool_path_ = options().spool_dir + "/upload-" + HexEncode(RandomBytes(12));
    spool_parser_.emplace(std::move(*head_parser_));
    spool_parser_->body_limit(options().max_spooled_bytes);
    beast::error_code ec;
    spool_parser_->get().body().open(spool_path_.c_str(), beast::file_mode::write_new, ec);
    if (ec) return Reject(Status::IoError("cannot spool the request body"));
    lowest().expires_after(options().spool_timeout);
    auto expect = spool_parser_->get().find(bhttp::field::expect);
    if (expect != spool_parser_->get().end() && beast::iequals(expect->value(), "100-continue")) {
      // curl and others wait for this before sending a large body.
      auto go_on =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      return bhttp::async_write(
          stream_, *go_on, [self = this->shared_from_this(), go_on](beast::error_code ec, size_t) {
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
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnSpooled(ec); });
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
  // body) is written back from there. Past the pending limit the request
  // is answered 503 at once: queueing it would only make every client wait
  // longer, and the server's memory grow.
  void Dispatch(std::shared_ptr<Request> req, std::optional<std::string> spooled) {
    reading_since = 0;
    lowest().expires_never();
    if (server_->in_flight.load() >= static_cast<int>(options().max_pending_requests)) {
      if (spooled) std::remove(spooled->c_str());
      if (options().metrics) options().metrics->BusyRefused();
      return Reject(Status::Unavailable("the server is busy; try again shortly"));
    }
    server_->in_flight++;
    auto start = std::chrono::steady_clock::now();
    net::post(server_->workers, [self = this->shared_from_this(), req, start, spooled] {
      self->Serve(*req, start, spooled);
    });
  }

  // On a worker.
  void Serve(Request& req, std::chrono::steady_clock::time_point start,
             const std::optional<std::string>& spooled) {
    std::string key;
    Streams streams;
    streams.spooled_body = spooled;
    Response res = server_->router->Handle(req, &key, &streams, peer_);
    ReleaseBody();
    if (spooled) std::remove(spooled->c_str());
    if (options().access_log) LogRequest(req, res, start, key);
    if (server_->stopping) res.keep_alive(false);
    bool streamed = streams.body_writer && res.result() == bhttp::status::ok &&
                    req.method() == bhttp::verb::get;
    if (!streamed) {
      auto shared = std::make_shared<Response>(std::move(res));
      net::post(lowest().get_executor(), [self = this->shared_from_this(), shared, start] {
        self->Write(shared, true, start);
      });
      return;
    }
    bool whole = WriteStreamed(res, streams.body_writer);
    Observe(res.result_int(), start);
    bool again = whole && res.keep_alive();
    net::post(lowest().get_executor(), [self = this->shared_from_this(), again] {
      self->server_->in_flight--;
      if (again && !self->server_->stopping) return self->Read();
      self->Close();
    });
  }

  // Runs on the worker: head, chunks as `writer` produces them, last chunk.
  // False when the body could not be sent whole (the connection is then
  // closed without the last chunk, so the client sees it cut short).
  bool WriteStreamed(const Response& res,
                     const std::function<Status(portability::ByteSink&)>& writer) {
    auto timeout = options().read_timeout;
    bhttp::response<bhttp::empty_body> head{res.base()};
    head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> serializer{head};
    beast::error_code ec = WaitForWrite(lowest(), timeout, [&](auto handler) {
      bhttp::async_write_header(stream_, serializer, std::move(handler));
    });
    if (ec) return false;
    ChunkSink<Stream> sink(stream_, timeout);
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
    ec = WaitForWrite(lowest(), timeout,
                      [&](auto handler) { net::async_write(stream_, last, std::move(handler)); });
    return !ec;
  }

  // Counts `bytes` of request body against the server's budget; false
  // (nothing counted) when that would go over it.
  bool ReserveBody(uint64_t bytes) {
    if (bytes == 0) return true;
    uint64_t limit = options().max_buffered_body_bytes;
    uint64_t held = server_->buffered_body_bytes.load();
    do {
      if (held + bytes > limit) return false;
    } while (!server_->buffered_body_bytes.compare_exchange_weak(held, held + bytes));
    reserved_body_ = bytes;
    return true;
  }
  void ReleaseBody() {
    if (reserved_body_ == 0) return;
    server_->buffered_body_bytes -= reserved_body_;
    reserved_body_ = 0;
  }

  // Answers a request that could not be read whole, or is turned away,
  // then closes.
  void Reject(const Status& s) {
    ReleaseBody();
    reading_since = 0;
    Request req;
    req.version(11);
    auto res = std::make_shared<Response>(ErrorResponse(req, s, std::nullopt));
    if (s.Is(Status::Code::kUnavailable)) res->set(bhttp::field::retry_after, "1");
    res->keep_alive(false);
    server_->in_flight++;
    Write(res, true, std::chrono::steady_clock::now());
  }

  void Write(std::shared_ptr<Response> res, bool counted,
             std::chrono::steady_clock::time_point start) {
    lowest().expires_after(options().read_timeout);
    bhttp::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, counted, start](beast::error_code ec, size_t) {
          if (counted) self->server_->in_flight--;
          self->Observe(res->result_int(), start);
          if (ec || !res->keep_alive() || self->server_->stopping) return self->Close();
          self->Read();
        });
  }

  void Observe(int status, std::chrono::steady_clock::time_point start) {
    if (!options().metrics) return;
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    options().metrics->Observe(method_, path_, status, took.count());
  }

  void Close() {
    ReleaseBody();
    reading_since = 0;
    if constexpr (kTls) {
      // close_notify, under a short timeout; the socket closes with the session.
      lowest().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    }
  }

  static void LogRequest(const Request& req, const Response& res,
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

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> head_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> spool_parser_;
  std::string spool_path_;
  std::string method_, path_;   // the current request's, for the metrics
  std::string peer_;            // the client's IP address
  uint64_t reserved_body_ = 0;  // of Impl::buffered_body_bytes, until answered
  Server::Impl* server_;
  bool refusing_;
};

}  // namespace lrs::http
