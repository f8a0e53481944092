// Limits under hostile or heavy load, against a real lrsd: slow clients
// (slowloris) holding connections cannot keep a normal client out; a server
// with more requests than workers answers 503 with Retry-After instead of
// queueing without bound; failed authentications are rate-limited per
// address and per key (429); oversized heads are refused (413).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// Writes `settings` as lrsd's config file in `lrs`'s data directory and
// starts it.
::testing::AssertionResult StartWithConfig(LrsProcess& lrs, const json::object& settings) {
  std::string path = lrs.data_dir() + "/limits-test.json";
  std::ofstream(path) << json::serialize(settings);
  return lrs.Start({"--config", path});
}

// A non-blocking loopback connection that has sent `bytes`; -1 on failure.
int ConnectAndSend(uint16_t port, std::string_view bytes) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  // Loopback connects at once; a failed send just makes this a dead socket
  // the attacker below replaces.
  (void)send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  return fd;
}

// True when the server has closed `fd` (EOF or reset).
bool ClosedByServer(int fd) {
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// A slowloris attacker: `count` connections, each sending a request head
// one byte at a time, every `interval`; a connection the server closes is
// replaced at once, so the attack never lets up.
class Slowloris {
 public:
  Slowloris(uint16_t port, int count, std::chrono::milliseconds interval)
      : port_(port), fds_(static_cast<size_t>(count), -1), interval_(interval) {
    for (int& fd : fds_) fd = ConnectAndSend(port_, "POST /xapi/statements HTTP/1.1\r\n");
    thread_ = std::thread([this] { Run(); });
  }
  ~Slowloris() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  int replaced() const { return replaced_; }

 private:
  void Run() {
    while (!stop_) {
      for (int& fd : fds_) {
        if (fd >= 0 && !ClosedByServer(fd) && send(fd, "X", 1, MSG_NOSIGNAL) == 1) continue;
        if (fd >= 0) close(fd);
        fd = ConnectAndSend(port_, "POST /xapi/statements HTTP/1.1\r\n");
        replaced_++;
      }
      std::this_thread::sleep_for(interval_);
    }
  }

  uint16_t port_;
  std::vector<int> fds_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  std::atomic<int> replaced_{0};
  std::thread thread_;
};

long long MetricValue(const std::string& page, const std::string& line_start) {
  size_t at = page.find("\n" + line_start + " ");
  if (at == std::string::npos) return -1;
  return std::atoll(page.c_str() + at + line_start.size() + 2);
}

TEST(LimitsTest, SlowClientsDoNotKeepANormalClientOut) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"max_connections", 64}, {"read_timeout_seconds", 30}}));
  // Four times the connection limit, each trickling a head that never ends.
  Slowloris attack(lrs.port(), 256, std::chrono::milliseconds(500));
  std::this_thread::sleep_for(std::chrono::seconds(1));

  for (int i = 0; i < 10; ++i) {
    auto started = std::chrono::steady_clock::now();
    std::string id = PostStatement(lrs, Statement("normal@example.com"));
    ASSERT_FALSE(id.empty()) << "request " << i << " during the attack";
    HttpResponse got = lrs.Get("/xapi/statements?statementId=" + id);
    ASSERT_EQ(got.status, 200) << got;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5))
        << "request " << i << " was held up by the slow connections";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // The server shed slow connections to admit new ones.
  EXPECT_GT(attack.replaced(), 0);
  HttpResponse metrics = lrs.Get("/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics;
  EXPECT_GT(MetricValue(metrics.body, "lrs_http_connections_evicted_total"), 0) << metrics.body;
  EXPECT_LE(MetricValue(metrics.body, "lrs_http_connections_open"), 64 + 64) << metrics.body;
}

// Sends `bytes` on a new connection and returns what comes back until the
// server closes it (or 10 s pass).
std::string Exchange(uint16_t port, std::string_view bytes) {
  int fd = ConnectAndSend(port, bytes);
  if (fd < 0) return "";
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    if (n < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  close(fd);
  return got;
}

TEST(LimitsTest, BodiesBeyondTheMemoryBudgetAreTurnedAwayBeforeTheyAreRead) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"max_buffered_body_mb", 1}, {"max_body_bytes", 4 << 20}}));
  // No credential, a body announced but never sent: lrsd must not wait for
  // (or hold) 2 MB it has no room for.
  std::string answer =
      Exchange(lrs.port(),
               "POST /xapi/statements HTTP/1.1\r\nHost: x\r\n"
               "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("Retry-After: 1"), std::string::npos) << answer;
  // Bodies within the budget are served as before, and requests without
  // a body hold none of it: many GETs at once are all answered.
  EXPECT_FALSE(PostStatement(lrs, Statement("budget@example.com")).empty());
  std::vector<std::thread> readers;
  std::atomic<int> answered{0};
  for (int i = 0; i < 16; ++i) {
    readers.emplace_back([&] {
      HttpConnection c(lrs.port());
      HttpRequest r;
      r.target = "/xapi/statements?limit=1";
      for (int k = 0; k < 20; ++k) answered += c.Send(r).status == 200;
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(answered.load(), 16 * 20);
}

TEST(LimitsTest, IdleAndTricklingConnectionsAreClosedAfterTheReadTimeout) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"read_timeout_seconds", 1}}));
  int idle = ConnectAndSend(lrs.port(), "");
  int trickling = ConnectAndSend(lrs.port(), "GET /xapi/about HTTP/1.1\r\n");
  ASSERT_GE(idle, 0);
  ASSERT_GE(trickling, 0);
  for (int i = 0; i < 25; ++i) {  // a byte every 100 ms: never a whole head
    (void)send(trickling, "X", 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(ClosedByServer(idle));
  EXPECT_TRUE(ClosedByServer(trickling));
  close(idle);
  close(trickling);
}

TEST(LimitsTest, RequestsBeyondThePendingLimitGet503WithRetryAfter) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"worker_threads", 1}, {"max_pending_requests", 2}}));
  constexpr int kClients = 32;
  std::vector<HttpResponse> answers(kClients);
  std::vector<std::vector<std::string>> ids(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    json::array batch;
    for (int i = 0; i < 100; ++i) {
      json::object s = Statement("busy" + std::to_string(c) + "@example.com");
      s["id"] = NewUuid();
      ids[static_cast<size_t>(c)].emplace_back(s["id"].as_string());
      batch.push_back(std::move(s));
    }
    clients.emplace_back([&, c, body = json::serialize(batch)] {
      answers[static_cast<size_t>(c)] = lrs.PostJson("/xapi/statements", body);
    });
  }
  for (auto& t : clients) t.join();

  int busy = 0;
  for (int c = 0; c < kClients; ++c) {
    const HttpResponse& r = answers[static_cast<size_t>(c)];
    ASSERT_TRUE(r.status == 200 || r.status == 503) << r;
    if (r.status == 503) {
      busy++;
      EXPECT_EQ(r.Header("Retry-After"), "1") << r;
      EXPECT_NE(r.ErrorMessage().find("busy"), std::string::npos) << r;
      // Turned away means not stored: the client may safely send again.
      EXPECT_EQ(lrs.Get("/xapi/statements?statementId=" + ids[static_cast<size_t>(c)][0]).status,
                404);
    } else {
      EXPECT_EQ(lrs.Get("/xapi/statements?statementId=" + ids[static_cast<size_t>(c)][99]).status,
                200);
    }
  }
  EXPECT_GT(busy, 0) << "32 simultaneous batches on one worker with 2 pending allowed";
  EXPECT_LT(busy, kClients);
  HttpResponse metrics = lrs.Get("/metrics");
  EXPECT_EQ(MetricValue(metrics.body, "lrs_http_busy_refused_total"), busy) << metrics.body;
}

HttpRequest AboutWith(const std::string& key, const std::string& secret) {
  HttpRequest r;
  r.target = "/xapi/statements?limit=1";
  r.authorization = BasicAuth(key, secret);
  return r;
}

TEST(LimitsTest, FailedAuthenticationsAreLimitedPerAddress) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(
      lrs, {{"auth_max_failures_per_address", 5}, {"auth_max_failures_per_key", 0}}));
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = lrs.Send(AboutWith("guess-" + std::to_string(i), "wrong"));
    ASSERT_EQ(r.status, 401) << "failure " << i << ": " << r;
  }
  HttpResponse limited = lrs.Send(AboutWith("guess-5", "wrong"));
  ASSERT_EQ(limited.status, 429) << limited;
  int wait = std::atoi(limited.Header("Retry-After").c_str());
  EXPECT_GE(wait, 1) << limited;
  EXPECT_LE(wait, 60) << limited;
  // From this address even a right secret is not checked until the window ends.
  EXPECT_EQ(lrs.Send(AboutWith(kAdminKey, kAdminSecret)).status, 429);
  // What needs no credential is still served.
  HttpRequest about;
  about.target = "/xapi/about";
  about.authorization.reset();
  EXPECT_EQ(lrs.Send(about).status, 200);
}

TEST(LimitsTest, BehindATrustedProxyTheForwardedAddressIsLimited) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"auth_max_failures_per_address", 3},
                                    {"auth_max_failures_per_key", 0},
                                    {"trust_forwarded_for", true}}));
  auto from = [&](const std::string& forwarded, const std::string& secret) {
    HttpRequest r = AboutWith(kAdminKey, secret);
    r.headers.emplace_back("X-Forwarded-For", forwarded);
    return lrs.Send(r).status;
  };
  for (int i = 0; i < 3; ++i) ASSERT_EQ(from("203.0.113.7", "wrong"), 401);
  EXPECT_EQ(from("203.0.113.7", kAdminSecret), 429);
  // Another client behind the same proxy is not locked out...
  EXPECT_EQ(from("198.51.100.2", kAdminSecret), 200);
  // ...and the blocked one cannot escape by claiming an address: only the
  // entry the proxy appended counts.
  EXPECT_EQ(from("198.51.100.2, 203.0.113.7", kAdminSecret), 429);
}

TEST(LimitsTest, FailedAuthenticationsAreLimitedPerKeyUntilTheWindowEnds) {
  LrsProcess lrs;
  lrs.AddEnv("LRS_METRICS_KEY=limits-metrics");
  lrs.AddEnv("LRS_METRICS_SECRET=limits-metrics-secret");
  // The window is long enough for three failed checks in a sanitizer build
  // on a busy machine (each is a full PBKDF2); the test waits for its end by
  // the server's own Retry-After. The window arithmetic itself is tested on
  // an explicit clock in tests/unit/http/auth_limiter_test.cpp.
  constexpr int kWindowSeconds = 15;
  ASSERT_TRUE(StartWithConfig(lrs, {{"auth_max_failures_per_address", 0},
                                    {"auth_max_failures_per_key", 3},
                                    {"auth_window_seconds", kWindowSeconds}}));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(lrs.Send(AboutWith(kAdminKey, "wrong-" + std::to_string(i))).status, 401);
  }
  // The key is locked, right secret or not; other keys are not.
  HttpResponse locked = lrs.Send(AboutWith(kAdminKey, kAdminSecret));
  ASSERT_EQ(locked.status, 429) << locked;
  int wait = std::atoi(locked.Header("Retry-After").c_str());
  ASSERT_GE(wait, 1) << locked;
  ASSERT_LE(wait, kWindowSeconds) << locked;
  HttpRequest health = AboutWith("limits-metrics", "limits-metrics-secret");
  health.target = "/healthz";
  EXPECT_EQ(lrs.Send(health).status, 200);
  std::this_thread::sleep_for(std::chrono::seconds(wait) + std::chrono::milliseconds(300));
  EXPECT_EQ(lrs.Send(AboutWith(kAdminKey, kAdminSecret)).status, 200);
}

TEST(LimitsTest, OversizedHeadIsRefusedWith413) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"max_header_bytes", 4096}}));
  HttpRequest r;
  r.target = "/xapi/statements?limit=1";
  r.headers.emplace_back("X-Padding", std::string(8192, 'a'));
  HttpResponse res = lrs.Send(r);
  EXPECT_EQ(res.status, 413) << res;
  EXPECT_NE(res.ErrorMessage().find("headers"), std::string::npos) << res;
  r.headers.clear();
  EXPECT_EQ(lrs.Send(r).status, 200);
}

TEST(LimitsTest, OversizedBodyAndBatchAreRefusedWith413AndNothingIsStored) {
  LrsProcess lrs;
  ASSERT_TRUE(StartWithConfig(lrs, {{"max_body_bytes", 65536}, {"max_statements_per_batch", 10}}));
  json::object big = Statement("big@example.com");
  big["id"] = NewUuid();
  big["result"] = json::object{{"response", std::string(70000, 'r')}};
  HttpResponse too_big = lrs.PostJson("/xapi/statements", json::serialize(big));
  EXPECT_EQ(too_big.status, 413) << too_big;
  EXPECT_NE(too_big.ErrorMessage().find("body"), std::string::npos) << too_big;
  json::array batch;
  for (int i = 0; i < 11; ++i) {
    json::object s = Statement("batch@example.com");
    s["id"] = NewUuid();
    batch.push_back(std::move(s));
  }
  HttpResponse too_many = lrs.PostJson("/xapi/statements", json::serialize(batch));
  EXPECT_EQ(too_many.status, 413) << too_many;
  EXPECT_NE(too_many.ErrorMessage().find("more than 10"), std::string::npos) << too_many;
  EXPECT_EQ(lrs.Get("/xapi/statements?statementId=" + std::string(big["id"].as_string())).status,
            404);
  EXPECT_EQ(lrs.Get("/xapi/statements?statementId=" +
                    std::string(batch[0].as_object().at("id").as_string()))
                .status,
            404);
  batch.pop_back();  // ten is allowed
  EXPECT_EQ(lrs.PostJson("/xapi/statements", json::serialize(batch)).status, 200);
}

}  // namespace
}  // namespace lrs_it
