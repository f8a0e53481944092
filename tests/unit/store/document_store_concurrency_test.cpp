// DocumentStore under concurrent writers: Update's decision and write are
// atomic, so read-modify-write loses nothing and concurrent creates all land.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrs/store/document_store.h"
#include "tests/common/digest.h"
#include "tests/unit/store/document_store_test_util.h"

namespace lrs::store {
namespace {

namespace json = boost::json;
using test_util::DocumentStoreTest;

// Eight threads increment one JSON counter through Update. If the decision
// and the write were not atomic, two threads would read the same value and
// one increment would be lost.
TEST_F(DocumentStoreTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  DocumentScope scope = State(Ada(), kCourse, kRegA);
  Put(scope, "counter", R"({"n":0})");

  std::atomic<int> failures{0};
  std::vector<std::vector<int64_t>> written(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int64_t next = 0;
        Status s = docs_->Update(scope, "counter", [&](const std::optional<Document>& current) {
          if (!current) return Result<std::optional<Document>>(Status::Internal("vanished"));
          int64_t n = json::parse(current->body).at("n").as_int64();
          next = n + 1;
          json::object o{{"n", next}};
          return Result<std::optional<Document>>(
              std::optional<Document>(Document{"application/json", json::serialize(o), "", 0, ""}));
        });
        if (!s.ok()) {
          ++failures;
          continue;
        }
        written[t].push_back(next);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  auto d = docs_->Get(scope, "counter");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(json::parse(d->body).at("n").as_int64(), kThreads * kPerThread);
  EXPECT_EQ(d->etag, lrs_test::Sha1Hex(d->body));

  // Every value 1..N was written exactly once: no two decisions saw the same
  // current document.
  std::set<int64_t> all;
  size_t count = 0;
  for (const auto& w : written) {
    all.insert(w.begin(), w.end());
    count += w.size();
  }
  EXPECT_EQ(count, static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kPerThread);
}

// Concurrent creates of distinct documents in one scope, and of one document
// in many scopes, all land.
TEST_F(DocumentStoreTest, ConcurrentWritesToManyDocumentsAllLand) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string agent =
          PartitionOf(R"({"mbox":"mailto:user)" + std::to_string(t) + R"(@example.org"})");
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        for (const DocumentScope& scope : {ActivityProfile(kCourse), State(agent, kLesson)}) {
          Status s = docs_->Update(scope, id, [&](const auto& current) {
            if (current) return Result<std::optional<Document>>(Status::Conflict("exists"));
            return Result<std::optional<Document>>(
                std::optional<Document>(Document{"text/plain", id, "", 0, ""}));
          });
          if (!s.ok()) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Ids(ActivityProfile(kCourse)).size(), static_cast<size_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    std::string agent =
        PartitionOf(R"({"mbox":"mailto:user)" + std::to_string(t) + R"(@example.org"})");
    EXPECT_EQ(Ids(State(agent, kLesson)).size(), static_cast<size_t>(kPerThread)) << t;
    EXPECT_EQ(BodyOf(State(agent, kLesson), "t" + std::to_string(t) + "-0"),
              "t" + std::to_string(t) + "-0");
  }
}

}  // namespace
}  // namespace lrs::store
