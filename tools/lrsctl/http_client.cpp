#include "tools/lrsctl/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <vector>

#include "lrs/base/encoding.h"

namespace lrsctl {

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using lrs::Status;

// A healthy transfer moves a piece far more often than this; a stall this
// long means the other end is gone.
constexpr Clock::duration kStallTimeout = std::chrono::minutes(10);
// After an upload lrsd reads the whole bundle twice (verify, then write)
// before it answers, which for a bundle of many gigabytes takes a while.
constexpr Clock::duration kImportTimeout = std::chrono::hours(2);
// How long to wait for the answer of a server that stopped taking an upload.
constexpr Clock::duration kRefusalTimeout = std::chrono::seconds(30);
constexpr size_t kPieceBytes = 1u << 20;
constexpr size_t kMaxKeptBody = 1u << 20;

std::string Host(const Endpoint& e) {
  return e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
}

std::string HostPort(const Endpoint& e) { return Host(e) + ":" + e.port; }

// One connection carrying one request. Beast's deadlines govern
// asynchronous operations only, so each step starts one and runs the
// io_context until it is done: synchronous for the caller, with a deadline.
class Exchange {
 public:
  explicit Exchange(const Endpoint& endpoint) : endpoint_(endpoint), stream_(ioc_) {}

  Status Connect() {
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto results = resolver.resolve(endpoint_.host, endpoint_.port, ec);
    if (ec) return Status::IoError("cannot resolve " + endpoint_.host + ": " + ec.message());
    ec = Await(kStallTimeout, [&](auto done) { stream_.async_connect(results, std::move(done)); });
    if (ec) {
      return Status::IoError("cannot connect to " + HostPort(endpoint_) + ": " + ec.message());
    }
    return Status::Ok();
  }

  template <class Body>
  Status Send(bhttp::request<Body>& request) {
    auto ec = Await(kStallTimeout,
                    [&](auto done) { bhttp::async_write(stream_, request, std::move(done)); });
    if (ec) {
      return Status::IoError("sending to " + HostPort(endpoint_) + " failed: " + ec.message());
    }
    return Status::Ok();
  }

  // Sends piece by piece, each with its own deadline. A server that refuses
  // an upload answers and stops reading it, so an answer waiting to be read
  // ends the sending early (`*answered` tells).
  Status SendFile(bhttp::request<bhttp::file_body>& request, bool* answered) {
    *answered = false;
    bhttp::request_serializer<bhttp::file_body> serializer(request);
    while (!serializer.is_done()) {
      auto ec = Await(kStallTimeout, [&](auto done) {
        bhttp::async_write_some(stream_, serializer, std::move(done));
      });
      if (ec) {
        return Status::IoError("sending to " + HostPort(endpoint_) + " failed: " + ec.message());
      }
      beast::error_code ignored;
      if (stream_.socket().available(ignored) > 0) {
        *answered = true;
        break;
      }
    }
    return Status::Ok();
  }

  // Reads the answer. A 200's body goes to `sink` when there is one; other
  // bodies are kept in the reply.
  lrs::Result<HttpReply> Receive(lrs::portability::ByteSink* sink, Clock::duration first_byte) {
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);  // a bundle can be any size; only a sink holds it
    beast::flat_buffer buffer;
    auto ec = Await(first_byte, [&](auto done) {
      bhttp::async_read_header(stream_, buffer, parser, std::move(done));
    });
    if (ec) return Status::IoError("no answer from " + HostPort(endpoint_) + ": " + ec.message());
    HttpReply reply;
    reply.status = parser.get().result_int();
    reply.content_type = std::string(parser.get()[bhttp::field::content_type]);
    if (reply.status != 200) sink = nullptr;
    std::vector<char> piece(kPieceBytes);
    while (!parser.is_done()) {
      auto& body = parser.get().body();
      body.data = piece.data();
      body.size = piece.size();
      ec = Await(kStallTimeout,
                 [&](auto done) { bhttp::async_read(stream_, buffer, parser, std::move(done)); });
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) {
        return Status::IoError("the answer from " + HostPort(endpoint_) +
                               " was cut short: " + ec.message());
      }
      std::string_view got(piece.data(), piece.size() - body.size);
      if (sink) {
        LRS_RETURN_IF_ERROR(sink->Write(got));
        reply.streamed_bytes += got.size();
      } else if (reply.body.size() + got.size() <= kMaxKeptBody) {
        reply.body.append(got);
      } else if (reply.status == 200) {
        return Status::IoError("the answer from " + HostPort(endpoint_) +
                               " is over 1 MiB, not an lrsd answer");
      } else {
        break;  // the start of a refusal is enough to explain it
      }
    }
    return reply;
  }

 private:
  template <class Start>
  beast::error_code Await(Clock::duration timeout, Start&& start) {
    beast::error_code result = net::error::operation_aborted;
    stream_.expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  const Endpoint& endpoint_;
  net::io_context ioc_;
  beast::tcp_stream stream_;
};

template <class Body>
void SetHead(bhttp::request<Body>& req, bhttp::verb verb, const Endpoint& endpoint,
             const std::string& path, const std::string& authorization) {
  req.method(verb);
  req.target(endpoint.prefix + path);
  req.version(11);
  req.set(bhttp::field::host, endpoint.port == "80" ? Host(endpoint) : HostPort(endpoint));
  req.set(bhttp::field::authorization, authorization);
  req.set(bhttp::field::user_agent, "lrsctl");
  req.set("X-Experience-API-Version", "1.0.3");
  req.keep_alive(false);
}

// HOST[:PORT] or [IPV6][:PORT] into `e` (port "80" when none is named).
Status ParseAuthority(std::string_view authority, Endpoint* e) {
  std::string_view port = "80";
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    std::string_view after = close == std::string_view::npos ? "?" : authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) {
      return Status::InvalidArgument("bad host " + std::string(authority));
    }
    e->host = authority.substr(1, close - 1);
    if (!after.empty()) port = after.substr(1);
  } else {
    size_t colon = authority.find(':');
    e->host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (e->host.empty()) return Status::InvalidArgument("no host in " + std::string(authority));
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (!digits || std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
    return Status::InvalidArgument("bad port '" + std::string(port) + "'");
  }
  e->port = port;
  return Status::Ok();
}

}  // namespace

lrs::Result<Endpoint> ParseUrl(std::string_view url) {
  size_t sep = url.find("://");
  std::string scheme(url.substr(0, sep == std::string_view::npos ? 0 : sep));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "https") {
    return Status::InvalidArgument("TLS not supported yet by lrsctl (" + std::string(url) + ")");
  }
  if (scheme != "http") {
    return Status::InvalidArgument("must start with http://: " + std::string(url));
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return Status::InvalidArgument("must not have a query or fragment: " + std::string(url));
  }
  std::string_view rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("credentials go in their own options, not in the URL");
  }
  Endpoint e;
  LRS_RETURN_IF_ERROR(ParseAuthority(authority, &e));
  while (path.ends_with("/")) path.remove_suffix(1);
  e.prefix = path;
  return e;
}

std::string ErrorMessage(const HttpReply& reply) {
  std::string head = "HTTP " + std::to_string(reply.status);
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(reply.body, ec);
  const auto* error =
      !ec && parsed.is_object() ? parsed.get_object().if_contains("error") : nullptr;
  const auto* message =
      error && error->is_object() ? error->get_object().if_contains("message") : nullptr;
  if (message && message->is_string()) return head + ": " + std::string(message->get_string());
  std::string text = reply.body.substr(0, 300);
  for (char& c : text) {
    if (std::iscntrl(static_cast<unsigned char>(c))) c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text.empty() ? head : head + ": " + text;
}

HttpClient::HttpClient(Endpoint endpoint, std::string_view key, std::string_view secret)
    : endpoint_(std::move(endpoint)),
      authorization_("Basic " + lrs::Base64Encode(std::string(key) + ":" + std::string(secret))) {}

std::string HttpClient::Where() const { return HostPort(endpoint_); }

lrs::Result<HttpReply> HttpClient::Get(const std::string& path, lrs::portability::ByteSink* sink) {
  Exchange x(endpoint_);
  LRS_RETURN_IF_ERROR(x.Connect());
  bhttp::request<bhttp::empty_body> req;
  SetHead(req, bhttp::verb::get, endpoint_, path, authorization_);
  LRS_RETURN_IF_ERROR(x.Send(req));
  return x.Receive(sink, kStallTimeout);
}

lrs::Result<HttpReply> HttpClient::Delete(const std::string& path) {
  Exchange x(endpoint_);
  LRS_RETURN_IF_ERROR(x.Connect());
  bhttp::request<bhttp::empty_body> req;
  SetHead(req, bhttp::verb::delete_, endpoint_, path, authorization_);
  LRS_RETURN_IF_ERROR(x.Send(req));
  return x.Receive(nullptr, kStallTimeout);
}

lrs::Result<HttpReply> HttpClient::PostJson(const std::string& path, const std::string& json) {
  Exchange x(endpoint_);
  LRS_RETURN_IF_ERROR(x.Connect());
  bhttp::request<bhttp::string_body> req;
  SetHead(req, bhttp::verb::post, endpoint_, path, authorization_);
  req.set(bhttp::field::content_type, "application/json");
  req.body() = json;
  req.prepare_payload();
  LRS_RETURN_IF_ERROR(x.Send(req));
  return x.Receive(nullptr, kImportTimeout);
}

lrs::Result<HttpReply> HttpClient::PostFile(const std::string& path, const std::string& file_path,
                                            std::string_view content_type) {
  bhttp::request<bhttp::file_body> req;
  SetHead(req, bhttp::verb::post, endpoint_, path, authorization_);
  req.set(bhttp::field::content_type, content_type);
  beast::error_code ec;
  req.body().open(file_path.c_str(), beast::file_mode::scan, ec);
  if (ec) return Status::IoError("cannot read " + file_path + ": " + ec.message());
  req.prepare_payload();
  Exchange x(endpoint_);
  LRS_RETURN_IF_ERROR(x.Connect());
  bool answered = false;
  Status sent = x.SendFile(req, &answered);
  if (!sent.ok()) {
    // Most often the server refused the upload and closed: its answer says why.
    auto refusal = x.Receive(nullptr, kRefusalTimeout);
    return refusal.ok() ? refusal : sent;
  }
  return x.Receive(nullptr, answered ? kStallTimeout : kImportTimeout);
}

}  // namespace lrsctl
