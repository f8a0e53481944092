// Durability: a 200/204 means the statement is on disk. Killing lrsd right
// after the answer (SIGKILL: no destructors, no flush) or stopping it with
// SIGTERM under concurrent writes must never lose an acknowledged statement.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace json = boost::json;

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(first_.Start()); }

  // Starts a second lrsd on the first one's data directory (which it then
  // owns and removes).
  void Restart() {
    ASSERT_FALSE(first_.running());
    second_ = std::make_unique<LrsProcess>(first_.ReleaseDataDir(), /*owns_data_dir=*/true);
    ASSERT_TRUE(second_->Start());
  }

  LrsProcess first_;
  std::unique_ptr<LrsProcess> second_;
};

// The statement as the server returns it, with what we sent checked.
void ExpectIntact(const LrsProcess& lrs, const std::string& id, const std::string& email) {
  HttpResponse res = lrs.Get("/xapi/statements?statementId=" + id);
  ASSERT_EQ(res.status, 200) << "acknowledged statement " << id << " lost\n" << res;
  json::value s = res.Json();
  EXPECT_EQ(s.at("id").as_string(), id);
  EXPECT_EQ(s.at("actor").at("mbox").as_string(), "mailto:" + email);
  EXPECT_EQ(s.at("verb").at("id").as_string(), "http://adlnet.gov/expapi/verbs/experienced");
  EXPECT_TRUE(s.as_object().contains("stored"));
}

TEST_F(DurabilityTest, StatementSurvivesSigkillRightAfter200) {
  std::string posted_id = NewUuid();
  json::object s = Statement("posted@example.com");
  s["id"] = posted_id;
  HttpResponse post = first_.PostJson("/xapi/statements", json::serialize(s));
  ASSERT_EQ(post.status, 200) << post;
  first_.Kill();

  Restart();
  ExpectIntact(*second_, posted_id, "posted@example.com");
}

TEST_F(DurabilityTest, PutStatementSurvivesSigkillRightAfter204) {
  std::string id = NewUuid();
  HttpResponse put = first_.PutJson("/xapi/statements?statementId=" + id,
                                    json::serialize(Statement("put@example.com")));
  ASSERT_EQ(put.status, 204) << put;
  first_.Kill();

  Restart();
  ExpectIntact(*second_, id, "put@example.com");
}

TEST_F(DurabilityTest, BatchOf50SurvivesSigkillRightAfter200) {
  json::array batch;
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back(NewUuid());
    json::object s = Statement("batch" + std::to_string(i) + "@example.com");
    s["id"] = ids.back();
    batch.push_back(s);
  }
  HttpResponse post = first_.PostJson("/xapi/statements", json::serialize(batch));
  ASSERT_EQ(post.status, 200) << post;
  first_.Kill();

  Restart();
  for (int i = 0; i < 50; ++i)
    ExpectIntact(*second_, ids[i], "batch" + std::to_string(i) + "@example.com");
  EXPECT_EQ(QueryAll(*second_, "/xapi/statements?limit=20").size(), 50u);
}

// Writers that POST one statement per connection until told to stop or the
// server goes away, recording every id the server acknowledged.
class Writers {
 public:
  Writers(const LrsProcess& lrs, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, &lrs, t] {
        for (int i = 0; i < 1000 && !stop_; ++i) {
          std::string id = NewUuid();
          json::object s = Statement("w" + std::to_string(t) + "@example.com");
          s["id"] = id;
          {
            std::lock_guard lock(mu_);
            sent_.insert(id);
          }
          HttpResponse r = lrs.PostJson("/xapi/statements", json::serialize(s));
          if (!r.ok()) return;  // the server went away
          auto now = std::chrono::steady_clock::now();
          std::lock_guard lock(mu_);
          if (r.status == 200) {
            acked_.push_back(id);
            last_ack_ = std::max(last_ack_, now);
          } else {
            other_.push_back(r.status);
          }
        }
      });
    }
  }
  ~Writers() { Join(); }

  void Join() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  // Polls until `n` writes were acknowledged; false at the deadline.
  bool WaitForAcks(size_t n, std::chrono::seconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mu_);
        if (acked_.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
  std::vector<std::string> acked() {
    std::lock_guard lock(mu_);
    return acked_;
  }
  std::vector<int> other_statuses() {
    std::lock_guard lock(mu_);
    return other_;
  }
  // Every id a writer tried to send, acknowledged or not.
  std::set<std::string> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::chrono::steady_clock::time_point last_ack() {
    std::lock_guard lock(mu_);
    return last_ack_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> acked_;
  std::vector<int> other_;
  std::set<std::string> sent_;
  std::chrono::steady_clock::time_point last_ack_{};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

void ExpectAllPresent(const LrsProcess& lrs, const std::vector<std::string>& ids) {
  size_t lost = 0;
  for (const auto& id : ids) {
    HttpResponse r = lrs.Get("/xapi/statements?statementId=" + id);
    if (r.status != 200) {
      ++lost;
      ADD_FAILURE() << "acknowledged statement " << id << " lost: " << r;
    }
  }
  EXPECT_EQ(lost, 0u) << "of " << ids.size() << " acknowledged";
}

TEST_F(DurabilityTest, SigtermUnderConcurrentWritesKeepsEveryAcknowledgedStatement) {
  Writers writers(first_, 8);
  // SIGTERM lands while the writers are busy, so some requests are in flight.
  ASSERT_TRUE(writers.WaitForAcks(40, std::chrono::seconds(30))) << first_.Output();
  auto sigterm_at = std::chrono::steady_clock::now();
  std::optional<int> status = first_.Terminate(std::chrono::seconds(15));
  writers.Join();
  // Some write was answered after SIGTERM, so shutdown really overlapped
  // requests in flight (8 busy writers make this all but certain).
  EXPECT_GT(writers.last_ack(), sigterm_at);
  ASSERT_TRUE(status.has_value()) << "lrsd did not stop within 15 s of SIGTERM\n"
                                  << first_.Output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status << "\n"
                                                               << first_.Output();
  // In-flight requests are finished and answered, not failed.
  for (int s : writers.other_statuses()) EXPECT_EQ(s, 200) << "a write got HTTP " << s;

  std::vector<std::string> acked = writers.acked();
  ASSERT_GE(acked.size(), 40u);
  Restart();
  ExpectAllPresent(*second_, acked);
}

TEST_F(DurabilityTest, SigkillUnderConcurrentWritesKeepsEveryAcknowledgedStatement) {
  Writers writers(first_, 8);
  ASSERT_TRUE(writers.WaitForAcks(40, std::chrono::seconds(30))) << first_.Output();
  first_.Kill();
  writers.Join();
  std::vector<std::string> acked = writers.acked();
  ASSERT_GE(acked.size(), 40u);

  Restart();
  ExpectAllPresent(*second_, acked);
  // Unacknowledged writes may or may not have landed, but nothing else
  // appears, and nothing twice.
  std::set<std::string> sent = writers.sent(), stored;
  for (const auto& s : QueryAll(*second_, "/xapi/statements?limit=500", kV103, 1000)) {
    std::string id(s.at("id").as_string());
    EXPECT_TRUE(stored.insert(id).second) << "statement " << id << " listed twice";
    EXPECT_EQ(sent.count(id), 1u) << "statement " << id << " was never sent";
  }
  EXPECT_GE(stored.size(), acked.size());
}

}  // namespace
}  // namespace lrs_it
