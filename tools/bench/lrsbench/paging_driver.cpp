// more-paging: reads `walk` statements (default 10,000) page by page,
// following each page's `more` link, as a client exporting a record would.
// Every page is one request in the latency figures; each completed walk is
// also an operation, whose median is the time to read all of them. A walk
// that reaches the last page first starts over and is not counted (the
// report then shows no walks: load a larger store or shorten --walk).
#include "tools/bench/lrsbench/driver.h"
#include "tools/bench/lrsbench/statement_result.h"

namespace lrsbench {

namespace {

namespace http = boost::beast::http;

class PagingSession : public Session {
 public:
  PagingSession(const DriverConfig& c, const QuerySpec& spec)
      : first_page_(c.base_path + "/statements?" + spec.query),
        expect_{"", spec.verb},
        page_size_(spec.count),
        walk_(c.walk) {}

  std::optional<Request> Next() override {
    if (more_.empty()) {
      began_ = Clock::now();
      read_ = 0;
      return Request{http::verb::get, first_page_, "", ""};
    }
    // `more` is a path from the server's root (/xapi/statements?more=...).
    return Request{http::verb::get, more_, "", ""};
  }

  Verdict Judge(unsigned status, const std::string& body) override {
    std::optional<Page> page;
    if (status == 200) page = ReadPage(body, expect_);
    bool full = page && (page->more.empty() || page->statements == page_size_);
    if (!page || !page->matches || !full) {
      more_.clear();  // start the walk again
      return {};
    }
    read_ += page->statements;
    more_ = page->more;
    Verdict v{true, page->statements, {}};
    if (read_ >= walk_) {
      v.operation_began = began_;
      more_.clear();
    }
    return v;
  }

 private:
  std::string first_page_;
  PageExpectation expect_;
  uint64_t page_size_;
  uint64_t walk_;
  std::string more_;  // empty: the next request starts a walk
  Clock::time_point began_;
  uint64_t read_ = 0;
};

class PagingDriver : public Driver {
 public:
  PagingDriver(const DriverConfig& c, const QuerySpec& spec) : config_(c), spec_(spec) {}
  std::unique_ptr<Session> NewSession(uint64_t) override {
    return std::make_unique<PagingSession>(config_, spec_);
  }
  std::string operation_name() const override { return "walk of " + std::to_string(config_.walk); }

 private:
  const DriverConfig config_;
  const QuerySpec spec_;
};

}  // namespace

std::unique_ptr<Driver> MakePagingDriver(const DriverConfig& config, const QuerySpec& spec) {
  return std::make_unique<PagingDriver>(config, spec);
}

}  // namespace lrsbench
