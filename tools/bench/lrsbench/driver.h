// Driver: what one benchmark measures. The load client (client.h) knows
// HTTP and time; a driver knows xAPI: which request to send next and
// whether the answer is the one expected. Each connection gets its own
// Session, so a driver that walks `more` links keeps its place per
// connection, and sessions never share mutable state except through
// atomics in their driver.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "lrs/base/status.h"
#include "tools/bench/lrsbench/generator.h"

namespace lrsbench {

using Clock = std::chrono::steady_clock;

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;        // path and query, e.g. /xapi/statements?limit=100
  std::string body;          // empty: none
  std::string content_type;  // with a body
};

// What the driver concluded from one response.
struct Verdict {
  bool ok = false;          // the answer the driver expected (status and content)
  uint64_t statements = 0;  // statements this exchange wrote or returned
  // Set when this response completed a multi-request operation (a walk of
  // `more` pages): when the operation's first request was built.
  std::optional<Clock::time_point> operation_began;
};

class Session {
 public:
  virtual ~Session() = default;
  // The next request; nullopt when the driver has nothing more to do.
  virtual std::optional<Request> Next() = 0;
  // Judges the answer to the request Next() returned last. `status` is 0
  // when no answer came (the connection failed).
  virtual Verdict Judge(unsigned status, const std::string& body) = 0;
};

// Settings every driver draws from (lrsbench run's flags).
struct DriverConfig {
  std::string base_path = "/xapi";  // the xAPI root on the server, from --url
  uint64_t seed = 1;
  uint64_t learners = 10000;   // as given to `lrsbench seed` and `load`
  uint64_t loaded = 0;         // statements 0..loaded-1 are in the store
  uint64_t start = 100000000;  // first generator number (or document) a writer uses
  uint64_t batch = 100;        // statements per POST (post-batch, load)
  uint64_t end = 0;            // writers stop before this number; 0: never
  uint64_t walk = 10000;       // statements per `more` walk
  uint64_t documents = 1000;   // documents doc-get's pre-pass writes
};

// Each connection draws its own reproducible random sequence.
inline std::mt19937_64 SessionRandom(const DriverConfig& c, uint64_t connection) {
  return std::mt19937_64(c.seed * 0x100000001b3ULL + connection);
}

class Driver {
 public:
  virtual ~Driver() = default;
  // A new session for connection number `connection`; called on the
  // connection's own thread.
  virtual std::unique_ptr<Session> NewSession(uint64_t connection) = 0;
  // A finite driver to run to completion before this one is measured (the
  // documents doc-get reads); nullptr when none is needed.
  virtual std::unique_ptr<Driver> PrePass() { return nullptr; }
  // The name of the multi-request operation, for the report ("walk").
  virtual std::string operation_name() const { return ""; }
};

// The drivers of `lrsbench run` by name. InvalidArgument for an unknown
// name or settings the driver cannot run with (get-id without --loaded).
lrs::Result<std::unique_ptr<Driver>> MakeDriver(const std::string& name,
                                                const DriverConfig& config);
// Their names, in the order run_bench.sh runs them (reads before writes).
const std::vector<std::string>& DriverNames();

// A fixed statement query, every page of it checked.
struct QuerySpec {
  std::string query;   // without '?': "verb=...&limit=100"
  std::string verb;    // every statement's verb id must be this (when set)
  uint64_t count = 0;  // statements every page must hold (0: any number)
};

// Constructors, one per driver family (statement_drivers.cpp,
// query_drivers.cpp, paging_driver.cpp, document_drivers.cpp).
std::unique_ptr<Driver> MakePostDriver(const DriverConfig& config, bool batch);
std::unique_ptr<Driver> MakePutDriver(const DriverConfig& config);
std::unique_ptr<Driver> MakeAboutDriver(const DriverConfig& config);
std::unique_ptr<Driver> MakeGetIdDriver(const DriverConfig& config);
std::unique_ptr<Driver> MakeGetLearnerDriver(const DriverConfig& config);
std::unique_ptr<Driver> MakeQueryDriver(const DriverConfig& config, const QuerySpec& spec);
// Walks `more` links from the first page of `spec` (its `count` is the
// page size every page but the last must have).
std::unique_ptr<Driver> MakePagingDriver(const DriverConfig& config, const QuerySpec& spec);
std::unique_ptr<Driver> MakeDocPutDriver(const DriverConfig& config);
std::unique_ptr<Driver> MakeDocGetDriver(const DriverConfig& config);

}  // namespace lrsbench
