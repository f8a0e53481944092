// Connection: one keep-alive connection of the load client (client.h), a
// closed loop of request, answer, verdict on its thread's io_context. It
// records into its thread's Tally only the answers that arrive inside the
// measured window.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tools/bench/lrsbench/client.h"
#include "tools/bench/lrsbench/driver.h"

namespace lrsbench {

// What every connection reads and the few counters they all bump.
struct ClientShared {
  const ClientOptions* options = nullptr;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  Clock::time_point measure_from;
  Clock::time_point measure_until;      // time_point::max() when unbounded
  std::atomic<uint64_t> statements{0};  // for progress lines, warmup included
  std::atomic<int> errors_printed{0};
};

// One thread's figures; only its own connections write it.
struct Tally {
  std::vector<uint32_t> latencies_us;
  std::vector<uint64_t> operations_us;
  uint64_t requests = 0;
  uint64_t statements = 0;
  uint64_t errors = 0;
  uint64_t status_classes[6] = {};
  Clock::time_point last_answer;  // of those counted
};

// Starts a connection that runs `session` until it has nothing more to send
// or the window closes; it keeps itself alive through its pending handlers.
void StartConnection(boost::asio::io_context& io, ClientShared& shared, Tally& tally,
                     std::unique_ptr<Session> session);

}  // namespace lrsbench
