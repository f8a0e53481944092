// Test harness for the integration tests: runs the real lrsd binary as a
// child process on a loopback port with its own data directory, and talks
// to it over real HTTP/1.1 with a small synchronous Boost.Beast client.
//
// Every test starts its own server (ctest runs the tests in parallel, one
// process per TEST), so nothing here is shared between tests.
#pragma once

#include <sys/types.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/digest.h"

namespace lrs_it {

// SHA-1 (document ETags) and SHA-256 (attachment sha2) hex, computed
// independently of the server's own helpers.
using lrs_test::Sha1Hex;
using lrs_test::Sha256Hex;

inline constexpr char kAdminKey[] = "it-admin-key";
inline constexpr char kAdminSecret[] = "it-admin-secret-7f3a";
inline constexpr char kV103[] = "1.0.3";
inline constexpr char kV200[] = "2.0.0";

// "Basic base64(key:secret)".
std::string BasicAuth(const std::string& key, const std::string& secret);
std::string Base64(std::string_view bytes);
std::string PercentEncode(std::string_view text);
// A random version-4 UUID, so tests can name statements before sending them.
std::string NewUuid();
// Parses "YYYY-MM-DDThh:mm:ss[.fff...](Z|+hh:mm|-hh:mm)" into Unix
// microseconds; nullopt when malformed. Used to compare stored/since/until
// instants without trusting the server's own parser.
std::optional<int64_t> ParseIsoMicros(std::string_view text);

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;
  std::string body;
  std::string content_type;  // empty: no Content-Type header
  // Empty optional: the header is left out (to test its absence).
  std::optional<std::string> authorization = BasicAuth(kAdminKey, kAdminSecret);
  std::optional<std::string> version = std::string(kV103);
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

struct HttpResponse {
  int status = 0;
  boost::beast::http::fields headers;
  std::string body;
  // Empty when the exchange failed at the transport level.
  std::string transport_error;

  bool ok() const { return transport_error.empty(); }
  // Empty string when the header is absent.
  std::string Header(std::string_view name) const;
  // The body parsed as JSON; null (and a test failure) when it is not JSON.
  boost::json::value Json() const;
  // The error message of an xAPI error body ({"error":{"message":...}}) or
  // the whole body when it has no such shape, for readable assertion output.
  std::string ErrorMessage() const;
};

// A request with admin credentials carrying `body` as application/json at
// `version`; set further fields (authorization, headers) before sending.
HttpRequest JsonRequest(boost::beast::http::verb method, const std::string& target,
                        const std::string& body, const std::string& version = kV103);

// Prints status, headers and body in assertion failures.
std::ostream& operator<<(std::ostream& os, const HttpResponse& r);

// One HTTP/1.1 connection. Requests are sent one after another on the same
// socket; it never reconnects silently, so a server that drops keep-alive
// connections makes the next Send fail visibly.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects if not yet connected. Transport failures are reported in
  // HttpResponse::transport_error, not thrown.
  HttpResponse Send(const HttpRequest& request);
  int connects() const { return connects_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int connects_ = 0;
};

// One lrsd child process. The destructor kills it (SIGKILL) if it still runs
// and removes a data directory it created, so a failed assertion anywhere in
// a test still cleans up.
class LrsProcess {
 public:
  // Creates a fresh data directory with mkdtemp.
  LrsProcess();
  // Uses (and later removes) `data_dir`, e.g. to restart on the same data.
  explicit LrsProcess(std::string data_dir, bool owns_data_dir);
  ~LrsProcess();
  LrsProcess(const LrsProcess&) = delete;
  LrsProcess& operator=(const LrsProcess&) = delete;

  // Adds "NAME=value" to the environment of the next Start (the test's own
  // LRS_* variables are never passed on).
  void AddEnv(std::string name_value) { extra_env_.push_back(std::move(name_value)); }
  // Forks and execs lrsd on 127.0.0.1:0 and waits (with a deadline) for the
  // "serving xAPI at" line on its stderr to learn the port.
  ::testing::AssertionResult Start(std::vector<std::string> extra_args = {});
  // SIGTERM, then waits up to `deadline` for exit. Returns the exit status
  // as from waitpid, or nullopt when it did not exit in time (then it is
  // killed).
  std::optional<int> Terminate(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // SIGKILL and reap.
  void Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  // The server no longer removes the data directory; the caller takes it
  // over (to hand it to a second LrsProcess).
  std::string ReleaseDataDir();
  // Everything the child wrote to stderr/stdout so far (for diagnostics).
  std::string Output() const;

  // One request on a fresh connection.
  HttpResponse Send(const HttpRequest& request) const;
  // Shorthands with admin credentials and `version`.
  HttpResponse Get(const std::string& target, const std::string& version = kV103,
                   std::vector<std::pair<std::string, std::string>> headers = {}) const;
  HttpResponse PostJson(const std::string& target, const std::string& body,
                        const std::string& version = kV103) const;
  HttpResponse PutJson(const std::string& target, const std::string& body,
                       const std::string& version = kV103) const;

 private:
  std::optional<int> WaitExit(std::chrono::milliseconds deadline);
  void StopReader();

  std::string data_dir_;
  bool owns_data_dir_ = false;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int stderr_fd_ = -1;
  std::thread reader_;
  mutable std::mutex output_mu_;
  std::string output_;
  std::vector<std::string> extra_env_;
};

// A test with its own lrsd, started before the test body runs. `Base` is
// ::testing::Test or a ::testing::TestWithParam<T>.
template <typename Base = ::testing::Test>
class LrsFixture : public Base {
 protected:
  void SetUp() override { ASSERT_TRUE(lrs_.Start()); }

  LrsProcess lrs_;
};
using LrsTest = LrsFixture<>;

// Statement builders shared by the test files.
boost::json::object Agent(const std::string& email, const std::string& name = "");
boost::json::object Statement(
    const std::string& email = "learner@example.com",
    const std::string& verb = "http://adlnet.gov/expapi/verbs/experienced",
    const std::string& activity = "http://example.com/activities/a");

// Collects every statement of a query by following `more` links (at most
// `max_pages`), in the order returned. Fails the test on any non-200 page.
std::vector<boost::json::object> QueryAll(const LrsProcess& lrs, const std::string& target,
                                          const std::string& version = kV103, int max_pages = 100);
// POSTs one statement and returns its id; "" (and a test failure) unless 200.
std::string PostStatement(const LrsProcess& lrs, const boost::json::object& statement,
                          const std::string& version = kV103);
// GET ?statementId=; an empty object (and a test failure) unless 200.
boost::json::object GetStatement(const LrsProcess& lrs, const std::string& id,
                                 const std::string& version = kV103);
// Ids of a StatementResult page, in order.
std::vector<std::string> IdsOf(const boost::json::value& result);

}  // namespace lrs_it
