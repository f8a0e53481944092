// Metrics: what GET /metrics reports, in the Prometheus text format
// (version 0.0.4): requests by route, method and status; a latency
// histogram per route; connections; requests turned away (busy server,
// evicted slow connections, rate-limited authentication); statements
// accepted. The store's own figures (RocksDB stalls, compactions, sizes)
// are added by the /metrics handler from the Database at render time.
//
// Routes are labelled by resource ("/xapi/statements", "/me/grants",
// "other"), never by the raw path, so ids and hostile paths cannot grow
// the label set. Thread-safe; recording is a short mutex hold.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace lrs::http {

class Metrics {
 public:
  // One answered request: its method, its path (without the query), its
  // status code, and the time from its last byte read to its last byte
  // handed to the socket.
  void Observe(std::string_view method, std::string_view path, int status, double seconds);

  void ConnectionOpened() {
    connections_open_++;
    connections_total_++;
  }
  void ConnectionClosed() { connections_open_--; }
  void ConnectionEvicted() { connections_evicted_++; }
  void BusyRefused() { busy_refused_++; }
  void AuthRateLimited() { auth_rate_limited_++; }
  void StatementsAccepted(uint64_t n) { statements_accepted_ += n; }

  // The HTTP figures, in the text format, each with HELP and TYPE lines.
  std::string Render() const;

  // The route label of `path` (see above).
  static std::string_view RouteOf(std::string_view path);

  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size() + 1> counts{};  // the last: above every bucket
    double sum = 0;
    uint64_t count = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string_view, std::string_view, int>, uint64_t> requests_;
  std::map<std::string_view, Histogram> latency_;
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_total_{0};
  std::atomic<uint64_t> connections_evicted_{0};
  std::atomic<uint64_t> busy_refused_{0};
  std::atomic<uint64_t> auth_rate_limited_{0};
  std::atomic<uint64_t> statements_accepted_{0};
};

}  // namespace lrs::http
