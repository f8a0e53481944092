// doc-put and doc-get: the State API (/activities/state), the documents an
// LMS keeps per learner and activity (bookmarks, suspend data). Document d
// belongs to learner d % learners, on a course activity, with stateId
// "bench-d", so a reader knows where each one is and what it must hold.
// doc-put writes new documents from --start on; doc-get first writes
// documents 0..documents-1 (its pre-pass; rewriting them is harmless) and
// then reads them at random.
#include <atomic>

#include "lrs/base/encoding.h"
#include "tools/bench/lrsbench/driver.h"

namespace lrsbench {

namespace {

namespace http = boost::beast::http;

std::string Target(const DriverConfig& c, uint64_t d) {
  std::string agent =
      R"({"objectType":"Agent","mbox":")" + StatementGenerator::Mbox(d % c.learners) + "\"}";
  return c.base_path + "/activities/state?activityId=" +
         lrs::PercentEncode(StatementGenerator::Course(d % StatementGenerator::kCourses)) +
         "&agent=" + lrs::PercentEncode(agent) + "&stateId=bench-" + std::to_string(d);
}

// About 300 bytes, like a SCORM/cmi5 bookmark with some suspend data.
std::string Body(uint64_t d) {
  std::string n = std::to_string(d);
  return R"({"bookmark":"module/)" + std::to_string(d % 12) + "/lesson/" + std::to_string(d % 30) +
         R"(","progress":)" + std::to_string(d % 100) + R"(,"attempt":)" +
         std::to_string(1 + d % 4) + R"(,"document":)" + n + R"(,"suspend_data":")" +
         std::string(200, static_cast<char>('a' + d % 26)) + "\"}";
}

class DocPutSession : public Session {
 public:
  DocPutSession(const DriverConfig& c, std::atomic<uint64_t>* next) : config_(c), next_(next) {}

  std::optional<Request> Next() override {
    uint64_t d = next_->fetch_add(1);
    if (config_.end && d >= config_.end) return std::nullopt;
    return Request{http::verb::put, Target(config_, d), Body(d), "application/json"};
  }

  Verdict Judge(unsigned status, const std::string&) override { return {status == 204, 0, {}}; }

 private:
  const DriverConfig config_;
  std::atomic<uint64_t>* next_;
};

class DocGetSession : public Session {
 public:
  DocGetSession(const DriverConfig& c, uint64_t connection)
      : config_(c), random_(SessionRandom(c, connection)) {}

  std::optional<Request> Next() override {
    d_ = random_() % config_.documents;
    return Request{http::verb::get, Target(config_, d_), "", ""};
  }

  // The very document doc-put stored.
  Verdict Judge(unsigned status, const std::string& body) override {
    return {status == 200 && body == Body(d_), 0, {}};
  }

 private:
  const DriverConfig config_;
  std::mt19937_64 random_;
  uint64_t d_ = 0;
};

class DocPutDriver : public Driver {
 public:
  explicit DocPutDriver(const DriverConfig& c) : config_(c), next_(c.start) {}
  std::unique_ptr<Session> NewSession(uint64_t) override {
    return std::make_unique<DocPutSession>(config_, &next_);
  }

 private:
  const DriverConfig config_;
  std::atomic<uint64_t> next_;
};

class DocGetDriver : public Driver {
 public:
  explicit DocGetDriver(const DriverConfig& c) : config_(c) {}
  std::unique_ptr<Session> NewSession(uint64_t connection) override {
    return std::make_unique<DocGetSession>(config_, connection);
  }
  std::unique_ptr<Driver> PrePass() override {
    DriverConfig writes = config_;
    writes.start = 0;
    writes.end = config_.documents;
    return std::make_unique<DocPutDriver>(writes);
  }

 private:
  const DriverConfig config_;
};

}  // namespace

std::unique_ptr<Driver> MakeDocPutDriver(const DriverConfig& config) {
  return std::make_unique<DocPutDriver>(config);
}

std::unique_ptr<Driver> MakeDocGetDriver(const DriverConfig& config) {
  return std::make_unique<DocGetDriver>(config);
}

}  // namespace lrsbench
