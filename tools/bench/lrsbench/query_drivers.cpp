// The read drivers of single requests: about (the HTTP floor), get-id (one
// loaded statement by id), get-learner (a learner's newest 100 by agent)
// and fixed statement queries (get-verb-activity, org-query,
// org-query-verb). Each checks the answer's content, not only its status.
#include "lrs/base/encoding.h"
#include "tools/bench/lrsbench/driver.h"
#include "tools/bench/lrsbench/statement_result.h"

namespace lrsbench {

namespace {

namespace http = boost::beast::http;

class AboutSession : public Session {
 public:
  AboutSession(const DriverConfig& c, uint64_t) : target_(c.base_path + "/about") {}
  std::optional<Request> Next() override { return Request{http::verb::get, target_, "", ""}; }
  Verdict Judge(unsigned status, const std::string&) override { return {status == 200, 0, {}}; }

 private:
  std::string target_;
};

class GetIdSession : public Session {
 public:
  GetIdSession(const DriverConfig& c, uint64_t connection)
      : config_(c), gen_(c.seed, c.learners), random_(SessionRandom(c, connection)) {}

  // A loaded statement that no voiding touches, so 200 is the only right
  // answer.
  std::optional<Request> Next() override {
    uint64_t k;
    do {
      k = random_() % config_.loaded;
    } while (StatementGenerator::TouchedByVoiding(k));
    id_ = gen_.Id(k);
    return Request{http::verb::get, config_.base_path + "/statements?statementId=" + id_, "", ""};
  }

  Verdict Judge(unsigned status, const std::string& body) override {
    bool ok = status == 200 && body.find(id_) != std::string::npos;
    return {ok, ok ? 1u : 0u, {}};
  }

 private:
  const DriverConfig config_;
  StatementGenerator gen_;
  std::mt19937_64 random_;
  std::string id_;
};

class GetLearnerSession : public Session {
 public:
  GetLearnerSession(const DriverConfig& c, uint64_t connection)
      : config_(c), random_(SessionRandom(c, connection)) {}

  std::optional<Request> Next() override {
    expect_.mbox = StatementGenerator::Mbox(random_() % config_.learners);
    std::string agent = R"({"mbox":")" + expect_.mbox + "\"}";
    return Request{
        http::verb::get,
        config_.base_path + "/statements?agent=" + lrs::PercentEncode(agent) + "&limit=100", "",
        ""};
  }

  // Every statement returned is the learner's.
  Verdict Judge(unsigned status, const std::string& body) override {
    if (status != 200) return {};
    auto page = ReadPage(body, expect_);
    if (!page || !page->matches) return {};
    return {true, page->statements, {}};
  }

 private:
  const DriverConfig config_;
  std::mt19937_64 random_;
  PageExpectation expect_;
};

class QuerySession : public Session {
 public:
  QuerySession(std::string target, PageExpectation expect, uint64_t count)
      : target_(std::move(target)), expect_(std::move(expect)), count_(count) {}

  std::optional<Request> Next() override { return Request{http::verb::get, target_, "", ""}; }

  Verdict Judge(unsigned status, const std::string& body) override {
    if (status != 200) return {};
    auto page = ReadPage(body, expect_);
    if (!page || !page->matches || (count_ && page->statements != count_)) return {};
    return {true, page->statements, {}};
  }

 private:
  std::string target_;
  PageExpectation expect_;
  uint64_t count_;
};

// A driver whose sessions need only the settings and their connection.
template <typename S>
class SimpleDriver : public Driver {
 public:
  explicit SimpleDriver(const DriverConfig& c) : config_(c) {}
  std::unique_ptr<Session> NewSession(uint64_t connection) override {
    return std::make_unique<S>(config_, connection);
  }

 private:
  const DriverConfig config_;
};

class QueryDriver : public Driver {
 public:
  QueryDriver(std::string target, PageExpectation expect, uint64_t count)
      : target_(std::move(target)), expect_(std::move(expect)), count_(count) {}
  std::unique_ptr<Session> NewSession(uint64_t) override {
    return std::make_unique<QuerySession>(target_, expect_, count_);
  }

 private:
  std::string target_;
  PageExpectation expect_;
  uint64_t count_;
};

}  // namespace

std::unique_ptr<Driver> MakeAboutDriver(const DriverConfig& config) {
  return std::make_unique<SimpleDriver<AboutSession>>(config);
}

std::unique_ptr<Driver> MakeGetIdDriver(const DriverConfig& config) {
  return std::make_unique<SimpleDriver<GetIdSession>>(config);
}

std::unique_ptr<Driver> MakeGetLearnerDriver(const DriverConfig& config) {
  return std::make_unique<SimpleDriver<GetLearnerSession>>(config);
}

std::unique_ptr<Driver> MakeQueryDriver(const DriverConfig& config, const QuerySpec& spec) {
  return std::make_unique<QueryDriver>(config.base_path + "/statements?" + spec.query,
                                       PageExpectation{"", spec.verb}, spec.count);
}

}  // namespace lrsbench
