#include "tests/integration/lrs_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#ifndef LRSD_PATH
#error "LRSD_PATH must name the lrsd binary (set by CMakeLists.txt)"
#endif

extern char** environ;

namespace lrs_it {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;

// ---------------------------------------------------------------------------
// HttpResponse

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

json::value HttpResponse::Json() const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    ADD_FAILURE() << "response body is not JSON (" << ec.message() << "):\n" << *this;
    return nullptr;
  }
  return v;
}

std::string HttpResponse::ErrorMessage() const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* err = v.get_object().if_contains("error"); err && err->is_object()) {
      if (const auto* m = err->get_object().if_contains("message"); m && m->is_string()) {
        return std::string(m->get_string());
      }
    }
  }
  return body;
}

std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
  if (!r.ok()) return os << "<transport error: " << r.transport_error << ">";
  os << "HTTP " << r.status << "\n";
  for (const auto& f : r.headers) os << f.name_string() << ": " << f.value() << "\n";
  return os << "\n" << r.body.substr(0, 4000);
}

// ---------------------------------------------------------------------------
// HttpConnection: Beast's async operations driven to completion one at a time
// on a private io_context. That keeps the interface synchronous while still
// getting tcp_stream's timeouts, which the blocking Beast calls lack (a
// wedged server must fail the test, not hang it).

struct HttpConnection::Impl {
  Impl(uint16_t port, std::chrono::milliseconds timeout)
      : port(port), timeout(timeout), stream(ioc) {}

  template <class Start>
  beast::error_code Run(Start start) {
    beast::error_code result = net::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  uint16_t port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpConnection::HttpConnection(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}

HttpConnection::~HttpConnection() {
  beast::error_code ec;
  impl_->stream.socket().close(ec);
}

HttpResponse HttpConnection::Send(const HttpRequest& request) {
  Impl& c = *impl_;
  HttpResponse out;
  auto fail = [&](std::string_view what, beast::error_code ec) {
    out.transport_error = std::string(what) + ": " + ec.message();
    beast::error_code ignored;
    c.stream.socket().close(ignored);
    c.connected = false;
    return out;
  };
  if (!c.connected) {
    c.stream.expires_after(c.timeout);
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), c.port);
    if (auto ec = c.Run([&](auto h) { c.stream.async_connect(endpoint, std::move(h)); })) {
      return fail("connect", ec);
    }
    c.connected = true;
    c.buffer.clear();
    ++connects_;
  }

  bhttp::request<bhttp::string_body> req{request.method, request.target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(c.port));
  req.set(bhttp::field::user_agent, "lrs-integration-tests");
  if (request.authorization) req.set(bhttp::field::authorization, *request.authorization);
  if (request.version) req.set("X-Experience-API-Version", *request.version);
  if (!request.content_type.empty()) req.set(bhttp::field::content_type, request.content_type);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();

  c.stream.expires_after(c.timeout);
  if (auto ec = c.Run([&](auto h) { bhttp::async_write(c.stream, req, std::move(h)); })) {
    return fail("write", ec);
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(512u << 20);
  if (request.method == bhttp::verb::head) parser.skip(true);
  c.stream.expires_after(c.timeout);
  if (auto ec =
          c.Run([&](auto h) { bhttp::async_read(c.stream, c.buffer, parser, std::move(h)); })) {
    return fail("read", ec);
  }
  auto res = parser.release();
  out.status = res.result_int();
  out.body = std::move(res.body());
  for (const auto& f : res) out.headers.insert(f.name_string(), f.value());
  if (!res.keep_alive()) {
    beast::error_code ignored;
    c.stream.socket().close(ignored);
    c.connected = false;
  }
  return out;
}

// ---------------------------------------------------------------------------
// LrsProcess

LrsProcess::LrsProcess() : owns_data_dir_(true) {
  std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-it-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
    owns_data_dir_ = false;
    return;
  }
  data_dir_ = pattern;
}

LrsProcess::LrsProcess(std::string data_dir, bool owns_data_dir)
    : data_dir_(std::move(data_dir)), owns_data_dir_(owns_data_dir) {}

LrsProcess::~LrsProcess() {
  if (running()) Kill();
  StopReader();
  if (owns_data_dir_ && !data_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

std::string LrsProcess::ReleaseDataDir() {
  owns_data_dir_ = false;
  return data_dir_;
}

std::string LrsProcess::Output() const {
  std::lock_guard lock(output_mu_);
  return output_;
}

::testing::AssertionResult LrsProcess::Start(std::vector<std::string> extra_args) {
  if (running()) return ::testing::AssertionFailure() << "lrsd already running";
  if (data_dir_.empty()) return ::testing::AssertionFailure() << "no data directory";
  StopReader();
  {
    std::lock_guard lock(output_mu_);
    output_.clear();
  }

  // Everything the child needs is built before fork: between fork and exec a
  // multithreaded parent's child may only call async-signal-safe functions.
  std::vector<std::string> args = {LRSD_PATH, "--listen", "127.0.0.1:0",
                                   "--data",  data_dir_,  "--quiet"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    // The developer's own LRS_* settings (a config file, a default version)
    // must not change what the tests see.
    if (std::strncmp(*e, "LRS_", 4) != 0) env.emplace_back(*e);
  }
  env.push_back(std::string("LRS_ADMIN_KEY=") + kAdminKey);
  env.push_back(std::string("LRS_ADMIN_SECRET=") + kAdminSecret);
  env.insert(env.end(), extra_env_.begin(), extra_env_.end());
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return ::testing::AssertionFailure() << "pipe2: " << std::strerror(errno);
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) {
    // If the test binary dies (crash, ctest timeout), take lrsd with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  pid_ = pid;
  stderr_fd_ = fds[0];

  // Read stderr until the startup line names the port.
  constexpr std::string_view kMarker = "lrsd: serving xAPI at ";  // http:// or https://
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string seen;
  while (true) {
    size_t at = seen.find(kMarker);
    size_t eol = at == std::string::npos ? at : seen.find('\n', at);
    if (eol != std::string::npos) {
      std::string line = seen.substr(at, eol - at);
      size_t xapi = line.find("/xapi");
      size_t colon = line.rfind(':', xapi);
      port_ = static_cast<uint16_t>(std::atoi(line.c_str() + colon + 1));
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      Kill();
      return ::testing::AssertionFailure() << "lrsd did not report its port within 30 s; output:\n"
                                           << seen;
    }
    pollfd p{stderr_fd_, POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    char buf[4096];
    ssize_t got = n > 0 ? read(stderr_fd_, buf, sizeof buf) : 0;
    if (n > 0 && got <= 0) {
      auto status = WaitExit(std::chrono::seconds(5));
      if (!status) Kill();
      return ::testing::AssertionFailure()
             << "lrsd exited before serving (status " << (status ? *status : -1) << "); output:\n"
             << seen;
    }
    if (got > 0) seen.append(buf, static_cast<size_t>(got));
  }
  if (port_ == 0) {
    Kill();
    return ::testing::AssertionFailure() << "could not read the port from:\n" << seen;
  }
  {
    std::lock_guard lock(output_mu_);
    output_ = seen;
  }
  // Keep draining the pipe so lrsd never blocks on a full pipe, and keep
  // what it says for failure messages.
  reader_ = std::thread([this, fd = stderr_fd_] {
    char buf[4096];
    while (true) {
      ssize_t got = read(fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      std::lock_guard lock(output_mu_);
      output_.append(buf, static_cast<size_t>(got));
    }
  });
  return ::testing::AssertionSuccess();
}

std::optional<int> LrsProcess::WaitExit(std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling, with a deadline
  }
}

std::optional<int> LrsProcess::Terminate(std::chrono::milliseconds deadline) {
  if (!running()) return std::nullopt;
  kill(pid_, SIGTERM);
  auto status = WaitExit(deadline);
  if (!status) {
    Kill();
    return std::nullopt;
  }
  StopReader();
  return status;
}

void LrsProcess::Kill() {
  if (running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  StopReader();
}

void LrsProcess::StopReader() {
  // The reader ends at EOF, which comes once lrsd (the only writer) exited.
  if (reader_.joinable()) reader_.join();
  if (stderr_fd_ >= 0) {
    close(stderr_fd_);
    stderr_fd_ = -1;
  }
}

HttpRequest JsonRequest(bhttp::verb method, const std::string& target, const std::string& body,
                        const std::string& version) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.content_type = "application/json";
  r.version = version;
  return r;
}

HttpResponse LrsProcess::Send(const HttpRequest& request) const {
  HttpConnection connection(port_);
  return connection.Send(request);
}

HttpResponse LrsProcess::Get(const std::string& target, const std::string& version,
                             std::vector<std::pair<std::string, std::string>> headers) const {
  HttpRequest r;
  r.target = target;
  r.version = version;
  r.headers = std::move(headers);
  return Send(r);
}

HttpResponse LrsProcess::PostJson(const std::string& target, const std::string& body,
                                  const std::string& version) const {
  return Send(JsonRequest(bhttp::verb::post, target, body, version));
}

HttpResponse LrsProcess::PutJson(const std::string& target, const std::string& body,
                                 const std::string& version) const {
  return Send(JsonRequest(bhttp::verb::put, target, body, version));
}

}  // namespace lrs_it
