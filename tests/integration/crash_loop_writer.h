// The writers of the crash loop (crash_loop_test.cpp): what each attempts
// in a cycle (single statements, PUTs, batches, State and Activity Profile
// documents, one State key overwritten and one profile merged again and
// again), and the record of each attempt: acknowledged, or in flight when
// lrsd was killed. The checks after each restart live in the test.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it::crash_loop {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

constexpr char kStateActivity[] = "http://example.com/activities/crash-loop/state";
constexpr char kVerbPrefix[] = "http://example.com/verbs/crash-loop/cycle-";

inline std::string WriterEmail(int writer) {
  return "crash-w" + std::to_string(writer) + "@example.com";
}
inline std::string WriterAgent(int writer) { return json::serialize(Agent(WriterEmail(writer))); }
inline std::string CycleVerb(int cycle) { return kVerbPrefix + std::to_string(cycle); }
inline std::string ProfileActivity(int writer) {
  return "http://example.com/activities/crash-loop/profiles/w" + std::to_string(writer);
}

// ---------------------------------------------------------------------------
// What the writers attempted.

enum class Outcome { kAcked, kInFlight, kRejected };

// One statement request: a POST of one, a PUT, or a POST of a batch.
struct StatementWrite {
  enum Kind { kPost, kPut, kBatch } kind;
  int writer;
  int cycle;
  std::vector<json::object> statements;  // as sent, each with its id
  Outcome outcome = Outcome::kInFlight;
};

// One write to a document key.
struct DocWrite {
  std::string body;  // what the document is if this write landed
  std::string content_type;
  Outcome outcome = Outcome::kInFlight;
};

// A document key and every write to it, in order (one writer, so at most the
// last write can be in flight). `pinned` is what the first restart after the
// cycle saw (nullopt inside: absent); later restarts must see the same.
struct DocKey {
  bool is_state;  // else an Activity Profile
  int writer;
  std::string id;
  bool merged = false;  // written by POST merges: compare as JSON
  std::vector<DocWrite> writes;
  std::optional<std::optional<std::string>> pinned;

  std::string Target() const {
    if (is_state) {
      return "/xapi/activities/state?activityId=" + PercentEncode(kStateActivity) +
             "&agent=" + PercentEncode(WriterAgent(writer)) + "&stateId=" + PercentEncode(id);
    }
    return "/xapi/activities/profile?activityId=" + PercentEncode(ProfileActivity(writer)) +
           "&profileId=" + PercentEncode(id);
  }
};

// ---------------------------------------------------------------------------
// Writer: one thread, one keep-alive connection, one request at a time, until
// the connection fails (the kill) or `stop` is set. It stops at the first
// failure instead of reconnecting: after the kill, a fresh connection could
// reach another test's lrsd that reused the port.

class Writer {
 public:
  Writer(int index, int cycle, uint64_t seed, uint16_t port, const std::atomic<bool>& stop)
      : index_(index), cycle_(cycle), rng_(seed), conn_(port), stop_(stop) {
    live_.is_state = true;
    live_.writer = index;
    live_.id = "c" + std::to_string(cycle) + "-live";
    merged_.is_state = false;
    merged_.writer = index;
    merged_.id = "c" + std::to_string(cycle) + "-merged";
    merged_.merged = true;
  }

  void Run() {
    while (!stop_ && Step()) {
    }
  }
  std::vector<StatementWrite> TakeStatements() { return std::move(statements_); }
  std::vector<DocKey> TakeDocs() {
    for (DocKey* k : {&live_, &merged_}) {
      if (!k->writes.empty()) docs_.push_back(std::move(*k));
    }
    return std::move(docs_);
  }

 private:
  // Sends one request; false once the connection failed.
  bool Step() {
    std::discrete_distribution<int> pick({3, 2, 1, 2, 1, 2, 1});
    switch (pick(rng_)) {
      case 0:
        return PostStatements(StatementWrite::kPost, 1);
      case 1:
        return PutStatement();
      case 2:
        return PostStatements(StatementWrite::kBatch, Uniform(20, 50));
      case 3:
        return CreateDocument(/*is_state=*/true);
      case 4:
        return CreateDocument(/*is_state=*/false);
      case 5:
        return OverwriteLiveState();
      default:
        return MergeProfile();
    }
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  json::object NewStatement() {
    std::string n = std::to_string(++sequence_);
    json::object s =
        Statement(WriterEmail(index_), CycleVerb(cycle_),
                  "http://example.com/activities/crash-loop/c" + std::to_string(cycle_) + "/w" +
                      std::to_string(index_) + "/" + n);
    s["object"].as_object()["definition"] = json::object{{"name", json::object{{"en-US", n}}}};
    s["id"] = NewUuid();
    return s;
  }

  // Sends; on a transport error the write stays kInFlight and false is
  // returned. Any answer other than `expected` is a failure of its own.
  bool Send(const HttpRequest& request, int expected, Outcome* outcome, HttpResponse* out) {
    *out = conn_.Send(request);
    if (!out->ok()) return false;
    if (out->status == expected) {
      *outcome = Outcome::kAcked;
    } else {
      *outcome = Outcome::kRejected;
      ADD_FAILURE() << "writer " << index_ << ": " << request.target << " answered\n" << *out;
    }
    return true;
  }

  bool PostStatements(StatementWrite::Kind kind, int count) {
    StatementWrite w{kind, index_, cycle_, {}, Outcome::kInFlight};
    json::array body;
    for (int i = 0; i < count; ++i) {
      w.statements.push_back(NewStatement());
      body.push_back(w.statements.back());
    }
    json::value sent = kind == StatementWrite::kPost ? json::value(w.statements[0]) : body;
    HttpResponse r;
    bool alive = Send(JsonRequest(bhttp::verb::post, "/xapi/statements", json::serialize(sent)),
                      200, &w.outcome, &r);
    if (w.outcome == Outcome::kAcked) ExpectIdsEcho(r, w.statements);
    statements_.push_back(std::move(w));
    return alive;
  }

  void ExpectIdsEcho(const HttpResponse& r, const std::vector<json::object>& sent) {
    json::array ids;
    for (const auto& s : sent) ids.push_back(s.at("id"));
    EXPECT_EQ(r.Json(), json::value(ids)) << "POST must answer the ids sent, in order";
  }

  bool PutStatement() {
    StatementWrite w{StatementWrite::kPut, index_, cycle_, {NewStatement()}, Outcome::kInFlight};
    json::object body = w.statements[0];
    std::string id(body.at("id").as_string());
    body.erase("id");  // named by the parameter alone
    HttpResponse r;
    bool alive = Send(
        JsonRequest(bhttp::verb::put, "/xapi/statements?statementId=" + id, json::serialize(body)),
        204, &w.outcome, &r);
    statements_.push_back(std::move(w));
    return alive;
  }

  // A new key per document: opaque bytes for State, JSON for the profile
  // (created with If-None-Match: *, as a profile PUT needs a precondition).
  bool CreateDocument(bool is_state) {
    DocKey key;
    key.is_state = is_state;
    key.writer = index_;
    key.id = "c" + std::to_string(cycle_) + "-d" + std::to_string(++sequence_);
    DocWrite write;
    if (is_state) {
      for (int i = Uniform(1, 3000); i > 0; --i) write.body += static_cast<char>(Uniform(0, 255));
      write.content_type = "application/octet-stream";
    } else {
      write.body = "{ \"writer\": " + std::to_string(index_) + ",\n \"pad\": \"" +
                   std::string(static_cast<size_t>(Uniform(0, 2000)), 'x') + "\" }";
      write.content_type = "application/json";
    }
    HttpRequest req = JsonRequest(bhttp::verb::put, key.Target(), write.body);
    req.content_type = write.content_type;
    if (!is_state) req.headers.emplace_back("If-None-Match", "*");
    HttpResponse r;
    bool alive = Send(req, 204, &write.outcome, &r);
    key.writes.push_back(std::move(write));
    docs_.push_back(std::move(key));
    return alive;
  }

  // Replaces one State document again and again (a 1.0.3 State PUT needs no
  // precondition), so a crash can land between two versions of one key.
  bool OverwriteLiveState() {
    DocWrite write{json::serialize(json::object{
                       {"writer", index_},
                       {"version", ++sequence_},
                       {"pad", std::string(static_cast<size_t>(Uniform(0, 500)), 'v')}}),
                   "application/json"};
    HttpResponse r;
    bool alive =
        Send(JsonRequest(bhttp::verb::put, live_.Target(), write.body), 204, &write.outcome, &r);
    live_.writes.push_back(std::move(write));
    return alive;
  }

  // Adds one property to a profile document by POST merge: after a crash it
  // holds every acknowledged property, plus the in-flight one or not.
  bool MergeProfile() {
    std::string name = "k" + std::to_string(++sequence_);
    std::string body = json::serialize(json::object{{name, sequence_}});
    merged_so_far_[name] = sequence_;
    DocWrite write{json::serialize(merged_so_far_), "application/json"};
    HttpResponse r;
    bool alive =
        Send(JsonRequest(bhttp::verb::post, merged_.Target(), body), 204, &write.outcome, &r);
    // A rejected merge did not apply, so later ones must not expect it.
    if (write.outcome == Outcome::kRejected) merged_so_far_.erase(name);
    merged_.writes.push_back(std::move(write));
    return alive;
  }

  int index_;
  int cycle_;
  std::mt19937_64 rng_;
  HttpConnection conn_;
  const std::atomic<bool>& stop_;
  int sequence_ = 0;
  std::vector<StatementWrite> statements_;
  std::vector<DocKey> docs_;
  DocKey live_, merged_;
  json::object merged_so_far_;
};

}  // namespace lrs_it::crash_loop
