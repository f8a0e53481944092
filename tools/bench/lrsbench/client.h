// The load client: N keep-alive HTTP/1.1 connections on Boost.Beast, spread
// over T threads (each with its own io_context, so threads share nothing
// but a few counters), each connection sending its driver session's next
// request as soon as the previous answer arrived (a closed loop: the
// figures are what the server sustains, not an offered rate).
//
// Time: `warmup` seconds whose answers are dropped, then `duration`
// measured seconds, or (duration 0) until every session has nothing more to
// send. Answers that arrive after the window are dropped too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/bench/lrsbench/driver.h"

namespace lrsbench {

struct ServerUrl {
  std::string host;
  std::string port;
  std::string base_path;  // "/xapi"
};
// Parses http://HOST[:PORT]/PATH (no https: the benchmark measures the
// store, not TLS). nullopt when malformed.
std::optional<ServerUrl> ParseUrl(const std::string& url);
// The value of an Authorization header for HTTP Basic.
std::string BasicAuthorization(const std::string& key, const std::string& secret);

struct ClientOptions {
  ServerUrl server;
  std::string authorization;
  uint64_t connections = 64;
  uint64_t threads = 1;
  double warmup = 0;
  double duration = 0;  // 0: until the driver is finished
  double progress = 0;  // > 0: a progress line on stderr this often (seconds)
};

struct Measurement {
  double seconds = 0;  // length of the measured window
  uint64_t requests = 0;
  uint64_t statements = 0;  // as the driver's verdicts counted them
  uint64_t errors = 0;      // answers the driver did not expect, and failed exchanges
  // Answers by status class: [0] no answer (connection failed), [2] 2xx, ...
  uint64_t status_classes[6] = {};
  std::vector<uint32_t> latencies_us;   // per request, sorted
  std::vector<uint64_t> operations_us;  // per completed operation, sorted
};

// Runs `driver` against the server until the window closes. Errors are
// counted, and the first few are printed to stderr with the answer's body.
Measurement RunClient(const ClientOptions& options, Driver& driver);

}  // namespace lrsbench
