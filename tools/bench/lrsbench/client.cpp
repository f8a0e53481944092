// The load client's threads, time window and merged figures (client.h);
// the per-connection loop is connection.cpp.
#include "tools/bench/lrsbench/client.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <thread>

#include "lrs/base/encoding.h"
#include "tools/bench/lrsbench/connection.h"

namespace lrsbench {

namespace {

namespace asio = boost::asio;

// Answers still outstanding this long after the window closed are
// abandoned (the server is stuck; the figures are already complete).
constexpr std::chrono::seconds kDrainGrace{15};

std::chrono::nanoseconds Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

double Between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Connections i = t, t + threads, ... belong to thread t.
void RunThread(asio::io_context& io, ClientShared& shared, Tally& tally, Driver& driver, uint64_t t,
               uint64_t threads) {
  for (uint64_t i = t; i < shared.options->connections; i += threads) {
    StartConnection(io, shared, tally, driver.NewSession(i));
  }
  io.run();
}

void Merge(Tally& from, Measurement* into) {
  into->requests += from.requests;
  into->statements += from.statements;
  into->errors += from.errors;
  for (int c = 0; c < 6; ++c) into->status_classes[c] += from.status_classes[c];
  into->latencies_us.insert(into->latencies_us.end(), from.latencies_us.begin(),
                            from.latencies_us.end());
  into->operations_us.insert(into->operations_us.end(), from.operations_us.begin(),
                             from.operations_us.end());
}

// Waits for the threads, printing progress, and stops them if answers are
// still missing long after the window closed.
void Supervise(ClientShared& shared, std::vector<std::unique_ptr<asio::io_context>>& ios,
               const std::atomic<uint64_t>& finished, Clock::time_point start) {
  const ClientOptions& o = *shared.options;
  Clock::time_point next_progress = start + Seconds(o.progress);
  while (finished.load() < ios.size()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Clock::time_point now = Clock::now();
    if (o.progress > 0 && now >= next_progress) {
      uint64_t done = shared.statements.load();
      std::fprintf(stderr, "lrsbench: %llu statements in %.0f s (%.0f statements/s)\n",
                   static_cast<unsigned long long>(done), Between(start, now),
                   done / Between(start, now));
      next_progress += Seconds(o.progress);
    }
    if (shared.measure_until != Clock::time_point::max() &&
        now > shared.measure_until + kDrainGrace) {
      for (auto& io : ios) io->stop();
    }
  }
}

}  // namespace

std::optional<ServerUrl> ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  ServerUrl out;
  out.base_path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  size_t colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

std::string BasicAuthorization(const std::string& key, const std::string& secret) {
  return "Basic " + lrs::Base64Encode(key + ":" + secret);
}

Measurement RunClient(const ClientOptions& options, Driver& driver) {
  ClientShared shared;
  shared.options = &options;
  {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    for (const auto& entry : resolver.resolve(options.server.host, options.server.port)) {
      shared.endpoints.push_back(entry.endpoint());
    }
  }
  Clock::time_point start = Clock::now();
  shared.measure_from = start + Seconds(options.warmup);
  shared.measure_until = options.duration > 0 ? shared.measure_from + Seconds(options.duration)
                                              : Clock::time_point::max();

  uint64_t threads = std::max<uint64_t>(1, std::min(options.threads, options.connections));
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<Tally> tallies(threads);
  std::vector<std::thread> workers;
  std::atomic<uint64_t> finished{0};
  for (uint64_t t = 0; t < threads; ++t) ios.push_back(std::make_unique<asio::io_context>(1));
  for (uint64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      RunThread(*ios[t], shared, tallies[t], driver, t, threads);
      finished++;
    });
  }
  Supervise(shared, ios, finished, start);
  for (auto& w : workers) w.join();

  // The window ends when it closes, or (the driver finished first) at the
  // last answer.
  Clock::time_point end = shared.measure_until;
  if (Clock::now() < end) {
    end = shared.measure_from;
    for (const Tally& t : tallies) end = std::max(end, t.last_answer);
  }
  Measurement m;
  m.seconds = Between(shared.measure_from, end);
  for (Tally& t : tallies) Merge(t, &m);
  std::sort(m.latencies_us.begin(), m.latencies_us.end());
  std::sort(m.operations_us.begin(), m.operations_us.end());
  return m;
}

}  // namespace lrsbench
