// Concurrent clients on the document resources over real connections: the
// If-Match / If-None-Match checks and the POST merge must be atomic with the
// write, so no update is lost and a create has exactly one winner.
#include <atomic>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

constexpr int kClients = 8;
constexpr char kActivity[] = "http://example.com/activities/concurrency";
constexpr char kAgent[] = R"({"mbox":"mailto:ada@example.com"})";
constexpr char kRegistration[] = "9d2c1f4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f";

std::string ProfileTarget(const std::string& id) {
  return "/xapi/activities/profile?activityId=" + PercentEncode(kActivity) +
         "&profileId=" + PercentEncode(id);
}

std::string StateTarget(const std::string& id) {
  return "/xapi/activities/state?activityId=" + PercentEncode(kActivity) +
         "&agent=" + PercentEncode(kAgent) + "&registration=" + kRegistration +
         "&stateId=" + PercentEncode(id);
}

HttpRequest Request(bhttp::verb method, const std::string& target, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  if (!body.empty()) r.content_type = "application/json";
  r.headers = std::move(headers);
  return r;
}

class DocumentsConcurrencyTest : public LrsTest {};

// Each client reads the counter and writes counter+1 with If-Match of the
// ETag it read, retrying on 412. The final value counts every increment.
TEST_F(DocumentsConcurrencyTest, IfMatchReadModifyWriteLosesNoIncrement) {
  constexpr int kIncrements = 25;
  const std::string target = ProfileTarget("counter");
  HttpResponse created =
      lrs_.Send(Request(bhttp::verb::put, target, R"({"n":0})", {{"If-None-Match", "*"}}));
  ASSERT_EQ(created.status, 204) << created;

  std::atomic<int> conflicts{0}, errors{0};
  std::latch start(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      HttpConnection conn(lrs_.port());
      start.arrive_and_wait();
      for (int done = 0; done < kIncrements && errors == 0;) {
        HttpResponse got = conn.Send(Request(bhttp::verb::get, target));
        if (got.status != 200 || got.Header("ETag") != "\"" + Sha1Hex(got.body) + "\"") {
          ADD_FAILURE() << got;
          ++errors;
          break;
        }
        int64_t n = json::parse(got.body).at("n").as_int64();
        std::string next = json::serialize(json::object{{"n", n + 1}});
        HttpResponse put =
            conn.Send(Request(bhttp::verb::put, target, next, {{"If-Match", got.Header("ETag")}}));
        if (put.status == 204) {
          ++done;
        } else if (put.status == 412) {
          ++conflicts;
        } else {
          ADD_FAILURE() << put;
          ++errors;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(errors.load(), 0);

  HttpResponse final_doc = lrs_.Get(target);
  ASSERT_EQ(final_doc.status, 200) << final_doc;
  EXPECT_EQ(final_doc.Json(),
            json::parse(R"({"n":)" + std::to_string(kClients * kIncrements) + "}"))
      << "conflicts seen: " << conflicts.load();
}

// Clients race to create the same document with If-None-Match: *. Exactly
// one wins; the stored document is the winner's.
TEST_F(DocumentsConcurrencyTest, IfNoneMatchCreateHasExactlyOneWinner) {
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const std::string target = ProfileTarget("race-" + std::to_string(round));
    std::vector<int> status(kClients, 0);
    std::latch start(kClients);
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        HttpConnection conn(lrs_.port());
        std::string body = json::serialize(json::object{{"client", c}});
        start.arrive_and_wait();
        HttpResponse r =
            conn.Send(Request(bhttp::verb::put, target, body, {{"If-None-Match", "*"}}));
        status[c] = r.status;
      });
    }
    for (auto& t : clients) t.join();

    int winners = 0, winner = -1;
    for (int c = 0; c < kClients; ++c) {
      if (status[c] == 204) {
        ++winners;
        winner = c;
      } else {
        EXPECT_EQ(status[c], 412) << "round " << round << " client " << c;
      }
    }
    ASSERT_EQ(winners, 1) << "round " << round;
    HttpResponse got = lrs_.Get(target);
    ASSERT_EQ(got.status, 200) << got;
    EXPECT_EQ(got.Json(), json::value(json::object{{"client", winner}})) << "round " << round;
  }
}

// Clients POST distinct keys into one State document with no concurrency
// headers; the merge is atomic, so every key is there at the end.
TEST_F(DocumentsConcurrencyTest, ConcurrentPostMergesKeepEveryKey) {
  constexpr int kPosts = 20;
  const std::string target = StateTarget("merged");
  std::atomic<int> errors{0};
  std::latch start(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpConnection conn(lrs_.port());
      start.arrive_and_wait();
      for (int i = 0; i < kPosts; ++i) {
        std::string key = "c" + std::to_string(c) + "-" + std::to_string(i);
        HttpResponse r =
            conn.Send(Request(bhttp::verb::post, target, json::serialize(json::object{{key, i}})));
        if (r.status != 204) {
          ADD_FAILURE() << r;
          ++errors;
          return;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(errors.load(), 0);

  HttpResponse got = lrs_.Get(target);
  ASSERT_EQ(got.status, 200) << got;
  json::value v = got.Json();
  ASSERT_TRUE(v.is_object()) << got;
  EXPECT_EQ(v.as_object().size(), static_cast<size_t>(kClients * kPosts));
  for (int c = 0; c < kClients; ++c) {
    for (int i = 0; i < kPosts; ++i) {
      std::string key = "c" + std::to_string(c) + "-" + std::to_string(i);
      const json::value* found = v.as_object().if_contains(key);
      ASSERT_NE(found, nullptr) << "lost " << key;
      EXPECT_EQ(found->as_int64(), i);
    }
  }
}

}  // namespace
}  // namespace lrs_it
