// Connection: the per-connection loop of the load client (connection.h).
#include "tools/bench/lrsbench/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <optional>

namespace lrsbench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

// A request the server has not answered in this time counts as failed.
constexpr std::chrono::seconds kIoTimeout{60};
// A connection that cannot reach the server this many times in a row stops,
// so a dead server ends the run instead of spinning until the deadline.
constexpr int kMaxConsecutiveFailures = 20;
constexpr int kErrorsPrinted = 5;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, ClientShared& shared, Tally& tally,
             std::unique_ptr<Session> session)
      : shared_(shared), tally_(tally), session_(std::move(session)), stream_(io), pause_(io) {}

  void Connect() {
    stream_.expires_after(std::chrono::seconds(10));
    stream_.async_connect(shared_.endpoints,
                          [self = shared_from_this()](const error_code& ec, const auto&) {
                            if (ec) return self->Fail("connect", ec);
                            self->stream_.socket().set_option(asio::ip::tcp::no_delay(true));
                            self->Send();
                          });
  }

 private:
  void Send() {
    if (Clock::now() >= shared_.measure_until) return Close();
    std::optional<Request> next = session_->Next();
    if (!next) return Close();
    BuildRequest(std::move(*next));
    in_flight_ = true;
    sent_ = Clock::now();
    stream_.expires_after(kIoTimeout);
    http::async_write(stream_, request_, [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec) return self->Fail("write", ec);
      self->Read();
    });
  }

  void BuildRequest(Request r) {
    const ClientOptions& o = *shared_.options;
    request_ = {};
    request_.method(r.method);
    request_.target(r.target);
    request_.version(11);
    request_.set(http::field::host, o.server.host + ":" + o.server.port);
    request_.set(http::field::authorization, o.authorization);
    request_.set("X-Experience-API-Version", "1.0.3");
    if (!r.content_type.empty()) request_.set(http::field::content_type, r.content_type);
    request_.body() = std::move(r.body);
    request_.keep_alive(true);
    request_.prepare_payload();
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(256u << 20);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, size_t) {
                       if (ec) return self->Fail("read", ec);
                       self->OnAnswer();
                     });
  }

  void OnAnswer() {
    in_flight_ = false;
    failures_ = 0;
    auto& answer = parser_->get();
    Record(answer.result_int(), answer.body());
    if (answer.keep_alive()) return Send();
    Close();
    Connect();
  }

  // Judges one answer and, inside the window, counts it.
  void Record(unsigned status, const std::string& body) {
    Clock::time_point now = Clock::now();
    Verdict v = session_->Judge(status, body);
    shared_.statements += v.statements;
    if (!InWindow(now)) return;
    tally_.last_answer = now;
    tally_.requests++;
    tally_.statements += v.statements;
    tally_.status_classes[status < 600 ? status / 100 : 0]++;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - sent_).count();
    tally_.latencies_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    if (v.operation_began && *v.operation_began >= shared_.measure_from) {
      tally_.operations_us.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now - *v.operation_began).count()));
    }
    if (!v.ok) {
      tally_.errors++;
      PrintError(std::string(request_.method_string()) + " " + std::string(request_.target()) +
                 " -> " + std::to_string(status) + ": " + body);
    }
  }

  bool InWindow(Clock::time_point t) const {
    return t >= shared_.measure_from && t < shared_.measure_until;
  }

  void PrintError(const std::string& what) {
    if (shared_.errors_printed.fetch_add(1) >= kErrorsPrinted) return;
    std::fprintf(stderr, "lrsbench: %.600s\n", what.c_str());
  }

  // A failed exchange (or connection attempt) is an error without an
  // answer; the connection is made again after a short pause (the server
  // may have closed it, or be briefly overloaded).
  void Fail(const char* stage, const error_code& ec) {
    if (in_flight_) {
      in_flight_ = false;
      session_->Judge(0, "");  // lets the session start over (a walk, say)
    }
    if (InWindow(Clock::now())) {
      tally_.errors++;
      tally_.status_classes[0]++;
    }
    PrintError(std::string(stage) + ": " + ec.message());
    Close();
    if (++failures_ >= kMaxConsecutiveFailures || Clock::now() >= shared_.measure_until) return;
    pause_.expires_after(std::chrono::milliseconds(100));
    pause_.async_wait([self = shared_from_this()](const error_code&) { self->Connect(); });
  }

  void Close() {
    error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
  }

  ClientShared& shared_;
  Tally& tally_;
  std::unique_ptr<Session> session_;
  beast::tcp_stream stream_;
  asio::steady_timer pause_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Clock::time_point sent_;
  bool in_flight_ = false;
  int failures_ = 0;
};

}  // namespace

void StartConnection(asio::io_context& io, ClientShared& shared, Tally& tally,
                     std::unique_ptr<Session> session) {
  std::make_shared<Connection>(io, shared, tally, std::move(session))->Connect();
}

}  // namespace lrsbench
