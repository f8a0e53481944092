// The statement writers: post-single (POST one statement), post-batch (POST
// an array of `batch`; also what `lrsbench load` runs) and put (PUT one
// statement with its id in the query). Every request takes the next
// generator numbers from one counter shared by all connections, so no two
// requests ever send the same statement: a re-sent id would be an
// idempotent no-op for the store, not a write.
#include <atomic>

#include "tools/bench/lrsbench/driver.h"

namespace lrsbench {

namespace {

namespace http = boost::beast::http;

// Hands out generator numbers [start, end) in blocks, to any thread.
class Numbers {
 public:
  explicit Numbers(const DriverConfig& c) : next_(c.start), end_(c.end) {}
  // The first number of the next block of up to `n` and its size; size 0
  // once `end` is reached.
  std::pair<uint64_t, uint64_t> Take(uint64_t n) {
    uint64_t first = next_.fetch_add(n);
    if (end_ == 0) return {first, n};
    if (first >= end_) return {first, 0};
    return {first, std::min(n, end_ - first)};
  }

 private:
  std::atomic<uint64_t> next_;
  uint64_t end_;
};

class PostSession : public Session {
 public:
  PostSession(const DriverConfig& c, Numbers* numbers, bool batch)
      : config_(c), gen_(c.seed, c.learners), numbers_(numbers), batch_(batch) {}

  std::optional<Request> Next() override {
    auto [first, n] = numbers_->Take(batch_ ? config_.batch : 1);
    if (n == 0) return std::nullopt;
    first_ = first;
    count_ = n;
    Request r{http::verb::post, config_.base_path + "/statements", "", "application/json"};
    if (!batch_) {
      r.body = gen_.Statement(first);
      return r;
    }
    r.body = "[";
    for (uint64_t k = first; k < first + n; ++k) {
      if (k != first) r.body += ',';
      r.body += gen_.Statement(k);
    }
    r.body += ']';
    return r;
  }

  // 200 with the array of ids; the first id is checked, so an answer that
  // skipped the write cannot pass.
  Verdict Judge(unsigned status, const std::string& body) override {
    bool ok = status == 200 && body.find(gen_.Id(first_)) != std::string::npos;
    return {ok, ok ? count_ : 0, std::nullopt};
  }

 private:
  const DriverConfig config_;
  StatementGenerator gen_;
  Numbers* numbers_;
  bool batch_;
  uint64_t first_ = 0;
  uint64_t count_ = 0;
};

class PutSession : public Session {
 public:
  PutSession(const DriverConfig& c, Numbers* numbers)
      : config_(c), gen_(c.seed, c.learners), numbers_(numbers) {}

  std::optional<Request> Next() override {
    auto [k, n] = numbers_->Take(1);
    if (n == 0) return std::nullopt;
    return Request{http::verb::put, config_.base_path + "/statements?statementId=" + gen_.Id(k),
                   gen_.Statement(k), "application/json"};
  }

  Verdict Judge(unsigned status, const std::string&) override {
    return {status == 204, status == 204 ? 1u : 0u, std::nullopt};
  }

 private:
  const DriverConfig config_;
  StatementGenerator gen_;
  Numbers* numbers_;
};

class StatementWriter : public Driver {
 public:
  enum class Kind { kPostSingle, kPostBatch, kPut };
  StatementWriter(const DriverConfig& c, Kind kind) : config_(c), kind_(kind), numbers_(c) {}

  std::unique_ptr<Session> NewSession(uint64_t) override {
    if (kind_ == Kind::kPut) return std::make_unique<PutSession>(config_, &numbers_);
    return std::make_unique<PostSession>(config_, &numbers_, kind_ == Kind::kPostBatch);
  }

 private:
  const DriverConfig config_;
  Kind kind_;
  Numbers numbers_;
};

}  // namespace

std::unique_ptr<Driver> MakePostDriver(const DriverConfig& config, bool batch) {
  return std::make_unique<StatementWriter>(
      config, batch ? StatementWriter::Kind::kPostBatch : StatementWriter::Kind::kPostSingle);
}

std::unique_ptr<Driver> MakePutDriver(const DriverConfig& config) {
  return std::make_unique<StatementWriter>(config, StatementWriter::Kind::kPut);
}

}  // namespace lrsbench
