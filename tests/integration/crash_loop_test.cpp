// Crash loop: lrsd is killed with SIGKILL at a random moment while several
// writers post single statements, PUT statements, batches and State /
// Activity Profile documents, then restarted on the same data directory, at
// least twenty times over. Each restart must open the store cleanly, and
// after it:
//   - every acknowledged statement is there by id, intact, and every
//     acknowledged document reads back byte for byte;
//   - a write that was in flight at the kill landed whole or not at all
//     (no batch half applied, a document is the last acknowledged version
//     or the in-flight one), and once seen either way stays that way;
//   - the agent and verb indexes and the document id lists list exactly
//     what by-id lookups find, for everything written in every cycle so far.
//
// LRS_CRASH_CYCLES (default 20) runs a longer loop; LRS_CRASH_SEED replays
// the op mix and kill delays of a printed seed (thread timing still varies).
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/crash_loop_writer.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

using namespace crash_loop;  // the writers and what they attempted

namespace bhttp = boost::beast::http;
namespace json = boost::json;

constexpr int kWriters = 5;
constexpr int kMinKillDelayMs = 50;
constexpr int kMaxKillDelayMs = 400;
constexpr size_t kQueryPage = 500;  // the server's largest page
// By-id lookups are latency-bound; two connections let lrsd use both cores.
constexpr size_t kLookupConnections = 2;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// Failures are counted; the first few are reported in full so that a broken
// store does not bury the log under thousands of identical messages. Lookups
// run on several threads, hence the lock.
class Problems {
 public:
  void Add(const std::string& what) {
    std::lock_guard lock(mu_);
    if (++count_ <= 25) ADD_FAILURE() << what;
  }
  int count() const {
    std::lock_guard lock(mu_);
    return count_;
  }

 private:
  mutable std::mutex mu_;
  int count_ = 0;
};

// ---------------------------------------------------------------------------
// Everything attempted in every cycle so far, and what restarts found.

struct KnownStatement {
  json::object sent;
  int writer;
  int cycle;
  bool present = false;  // as the first check after its cycle found it
};

struct CycleCounts {
  int acked_statements = 0, acked_requests = 0, acked_docs = 0;
  int in_flight_statements = 0, landed_statements = 0;
  int in_flight_docs = 0, landed_docs = 0;
};

class CrashLoop {
 public:
  CrashLoop(LrsProcess& lrs, uint64_t seed) : lrs_(lrs), rng_(seed) {}

  // One cycle: writers, a kill, a restart, and every check.
  void RunCycle(int cycle) {
    int delay_ms = std::uniform_int_distribution<int>(kMinKillDelayMs, kMaxKillDelayMs)(rng_);
    auto [writes, docs] = WriteUntilKilled(cycle, delay_ms);
    auto restart_begin = std::chrono::steady_clock::now();
    ASSERT_TRUE(lrs_.Start()) << "lrsd did not restart cleanly after the kill in cycle " << cycle;
    auto check_begin = std::chrono::steady_clock::now();
    HttpConnection conn(lrs_.port());
    CycleCounts counts;
    CheckNewStatements(writes, &counts);
    CheckNewDocs(conn, docs, &counts);
    for (int w = 0; w < kWriters; ++w) {
      CheckAgentIndex(conn, w);
      CheckDocList(conn, w, /*is_state=*/true);
      CheckDocList(conn, w, /*is_state=*/false);
    }
    CheckVerbIndex(conn, cycle);
    PrintSummary(cycle, delay_ms, counts, restart_begin, check_begin);
    totals_.acked_statements += counts.acked_statements;
    totals_.in_flight_statements += counts.in_flight_statements;
    totals_.landed_statements += counts.landed_statements;
    totals_.in_flight_docs += counts.in_flight_docs;
    totals_.acked_docs += counts.acked_docs;
  }

  // After the last cycle: every cycle's verb index, the unfiltered query, and
  // every statement and document once more by id.
  void RecheckEverything(int cycles) {
    auto begin = std::chrono::steady_clock::now();
    HttpConnection conn(lrs_.port());
    for (int cycle = 1; cycle <= cycles; ++cycle) CheckVerbIndex(conn, cycle);
    std::set<std::string> all;
    for (const auto& [id, known] : statements_) {
      if (known.present) all.insert(id);
    }
    ExpectSameIds("(unfiltered)", QueryIds(conn, ""), all);
    RecheckStatementsById();
    RecheckDocuments(conn);
    std::printf(
        "[crash-loop] final recheck of %zu statements (%zu present) and %zu doc keys: %ld ms\n",
        statements_.size(), all.size(), docs_.size(),
        static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - begin)
                              .count()));
  }

  const CycleCounts& totals() const { return totals_; }
  int problems() const { return problems_.count(); }

 private:
  // Starts the writers, kills lrsd `delay_ms` later, and collects what they
  // attempted.
  std::pair<std::vector<StatementWrite>, std::vector<DocKey>> WriteUntilKilled(int cycle,
                                                                               int delay_ms) {
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<Writer>> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.push_back(std::make_unique<Writer>(w, cycle, rng_(), lrs_.port(), stop));
    }
    std::vector<std::thread> threads;
    for (auto& w : writers) threads.emplace_back([&w] { w->Run(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));  // the random kill moment
    lrs_.Kill();
    stop = true;
    for (auto& t : threads) t.join();
    std::vector<StatementWrite> writes;
    std::vector<DocKey> docs;
    for (auto& w : writers) {
      for (auto& s : w->TakeStatements()) writes.push_back(std::move(s));
      for (auto& d : w->TakeDocs()) docs.push_back(std::move(d));
    }
    return {std::move(writes), std::move(docs)};
  }

  // Present ones stay present and intact, absent ones (in flight, never
  // landed) stay absent: recovery must not resurrect or drop anything later.
  void RecheckStatementsById() {
    std::vector<std::string> ids;
    for (const auto& entry : statements_) ids.push_back(entry.first);
    std::vector<std::optional<json::object>> found = GetManyById(ids);
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::string& id = ids[i];
      const std::optional<json::object>& got = found[i];
      const KnownStatement& known = statements_.at(id);
      if (got.has_value() != known.present) {
        problems_.Add(
            "statement " + id + " of cycle " + std::to_string(known.cycle) +
            (known.present ? " was present and is now gone" : " was absent and is now present"));
      } else if (got) {
        ExpectIntact(*got, known);
      }
    }
  }

  void RecheckDocuments(HttpConnection& conn) {
    for (const DocKey& key : docs_) {
      std::optional<std::string> got = GetDocument(conn, key);
      if (got != *key.pinned)
        problems_.Add("document " + key.Target() + " changed since its check");
    }
  }

  // GetById for each of `ids`, over several connections at once.
  std::vector<std::optional<json::object>> GetManyById(const std::vector<std::string>& ids) {
    std::vector<std::optional<json::object>> found(ids.size());
    std::vector<std::thread> threads;
    for (size_t t = 0; t < kLookupConnections; ++t) {
      threads.emplace_back([&, t] {
        HttpConnection conn(lrs_.port());
        for (size_t i = t; i < ids.size(); i += kLookupConnections)
          found[i] = GetById(conn, ids[i]);
      });
    }
    for (auto& thread : threads) thread.join();
    return found;
  }

  // nullopt when 404; a problem for anything but 200 or 404.
  std::optional<json::object> GetById(HttpConnection& conn, const std::string& id) {
    HttpRequest req;
    req.target = "/xapi/statements?statementId=" + id;
    HttpResponse r = conn.Send(req);
    if (r.status == 404) return std::nullopt;
    json::value v = r.status == 200 ? r.Json() : json::value();
    if (!v.is_object()) {
      problems_.Add("GET statement " + id + ": unexpected answer");
      ADD_FAILURE() << r;
      return std::nullopt;
    }
    return std::move(v.as_object());
  }

  void ExpectIntact(const json::object& got, const KnownStatement& known) {
    for (const char* field : {"id", "actor", "verb", "object"}) {
      const json::value* v = got.if_contains(field);
      if (!v || *v != known.sent.at(field)) {
        problems_.Add("statement " + std::string(known.sent.at("id").as_string()) + ": " + field +
                      " is " + (v ? json::serialize(*v) : "missing") + ", sent " +
                      json::serialize(known.sent.at(field)));
      }
    }
  }

  // By-id lookups of everything this cycle attempted: acknowledged ones must
  // be there, batches whole or absent.
  void CheckNewStatements(const std::vector<StatementWrite>& writes, CycleCounts* counts) {
    std::vector<std::string> ids;
    for (const StatementWrite& w : writes) {
      for (const json::object& s : w.statements) ids.emplace_back(s.at("id").as_string());
    }
    std::vector<std::optional<json::object>> found = GetManyById(ids);
    size_t next = 0;
    for (const StatementWrite& w : writes) {
      bool acked = w.outcome == Outcome::kAcked;
      size_t present = 0;
      for (const json::object& s : w.statements) {
        const std::string& id = ids[next];
        std::optional<json::object>& got = found[next++];
        KnownStatement known{s, w.writer, w.cycle};
        known.present = got.has_value();
        if (got) ExpectIntact(*got, known);
        if (acked && !got) problems_.Add("acknowledged statement " + id + " lost");
        if (w.outcome == Outcome::kRejected && got) problems_.Add("rejected " + id + " stored");
        present += got ? 1 : 0;
        statements_.emplace(id, std::move(known));
      }
      if (present != 0 && present != w.statements.size()) {
        problems_.Add("batch of " + std::to_string(w.statements.size()) + " (" +
                      (acked ? "acknowledged" : "in flight") +
                      ") half applied: " + std::to_string(present) + " present");
      }
      if (acked) {
        counts->acked_statements += static_cast<int>(w.statements.size());
        ++counts->acked_requests;
      } else if (w.outcome == Outcome::kInFlight) {
        counts->in_flight_statements += static_cast<int>(w.statements.size());
        counts->landed_statements += static_cast<int>(present);
      }
    }
  }

  // nullopt when 404; the body when 200, with its ETag and Content-Type
  // checked (all writes to one key send the same type).
  std::optional<std::string> GetDocument(HttpConnection& conn, const DocKey& key) {
    HttpRequest req;
    req.target = key.Target();
    HttpResponse r = conn.Send(req);
    if (r.status == 404) return std::nullopt;
    if (r.status != 200) {
      problems_.Add("GET " + key.Target() + ": unexpected answer");
      ADD_FAILURE() << r;
      return std::nullopt;
    }
    if (r.Header("ETag") != "\"" + Sha1Hex(r.body) + "\"") {
      problems_.Add("document " + key.Target() + ": ETag does not match its body");
    }
    if (r.Header("Content-Type") != key.writes.front().content_type) {
      problems_.Add("document " + key.Target() + ": Content-Type " + r.Header("Content-Type"));
    }
    return r.body;
  }

  // What a key may hold after a crash: the last acknowledged version (or
  // nothing when none was), or a later write that was in flight.
  static std::vector<std::optional<const DocWrite*>> Acceptable(const DocKey& key) {
    std::vector<std::optional<const DocWrite*>> ok;
    int last = -1;
    for (size_t i = 0; i < key.writes.size(); ++i) {
      if (key.writes[i].outcome == Outcome::kAcked) last = static_cast<int>(i);
    }
    ok.push_back(last < 0 ? std::nullopt : std::optional(&key.writes[last]));
    for (size_t i = last + 1; i < key.writes.size(); ++i) {
      if (key.writes[i].outcome == Outcome::kInFlight) ok.push_back(&key.writes[i]);
    }
    return ok;
  }

  static bool Matches(const DocKey& key, const DocWrite& want, const std::string& got) {
    if (!key.merged) return got == want.body;
    boost::system::error_code ec;
    json::value v = json::parse(got, ec);
    return !ec && v == json::parse(want.body);
  }

  void CheckNewDocs(HttpConnection& conn, std::vector<DocKey>& docs, CycleCounts* counts) {
    for (DocKey& key : docs) {
      std::optional<std::string> got = GetDocument(conn, key);
      bool matched = false;
      for (const auto& want : Acceptable(key)) {
        matched = matched || (!want && !got) || (want && got && Matches(key, **want, *got));
      }
      if (!matched) {
        problems_.Add("document " + key.Target() + " after " + std::to_string(key.writes.size()) +
                      " writes is neither the last acknowledged nor an in-flight version: " +
                      (got ? "\"" + got->substr(0, 200) + "\"" : "absent"));
      }
      const DocWrite& last = key.writes.back();
      bool last_landed = got && Matches(key, last, *got);
      for (const DocWrite& w : key.writes) counts->acked_docs += w.outcome == Outcome::kAcked;
      counts->in_flight_docs += last.outcome == Outcome::kInFlight ? 1 : 0;
      counts->landed_docs += last.outcome == Outcome::kInFlight && last_landed ? 1 : 0;
      key.pinned = got;
      docs_.push_back(std::move(key));
    }
  }

  // Pages through a statement query; each returned statement must be a known
  // present one, intact, listed once. Returns the ids.
  std::set<std::string> QueryIds(HttpConnection& conn, const std::string& query) {
    std::set<std::string> ids;
    std::string next = "/xapi/statements?" + (query.empty() ? "" : query + "&") +
                       "limit=" + std::to_string(kQueryPage);
    for (int page = 0; !next.empty(); ++page) {
      HttpRequest req;
      req.target = next;
      HttpResponse r = conn.Send(req);
      if (r.status != 200 || page > 10000) {
        problems_.Add("query " + next + " failed");
        ADD_FAILURE() << r;
        break;
      }
      json::value v = r.Json();
      for (const auto& s : v.at("statements").as_array()) {
        std::string id(s.at("id").as_string());
        if (!ids.insert(id).second) problems_.Add("query " + query + " lists " + id + " twice");
        auto known = statements_.find(id);
        if (known != statements_.end()) ExpectIntact(s.as_object(), known->second);
      }
      next = std::string(v.at("more").as_string());
    }
    return ids;
  }

  // The index must list exactly the statements by-id lookups found.
  void ExpectSameIds(const std::string& query, const std::set<std::string>& listed,
                     const std::set<std::string>& expected) {
    for (const auto& id : expected) {
      if (!listed.count(id)) problems_.Add("query " + query + " misses present statement " + id);
    }
    for (const auto& id : listed) {
      if (!expected.count(id)) problems_.Add("query " + query + " lists absent statement " + id);
    }
  }

  void CheckAgentIndex(HttpConnection& conn, int writer) {
    std::string query = "agent=" + PercentEncode(WriterAgent(writer));
    std::set<std::string> expected;
    for (const auto& [id, known] : statements_) {
      if (known.present && known.writer == writer) expected.insert(id);
    }
    ExpectSameIds(query, QueryIds(conn, query), expected);
  }

  void CheckVerbIndex(HttpConnection& conn, int cycle) {
    std::string query = "verb=" + PercentEncode(CycleVerb(cycle));
    std::set<std::string> expected;
    for (const auto& [id, known] : statements_) {
      if (known.present && known.cycle == cycle) expected.insert(id);
    }
    ExpectSameIds(query, QueryIds(conn, query), expected);
  }

  // A writer's State (or profile) id list is exactly its present documents.
  void CheckDocList(HttpConnection& conn, int writer, bool is_state) {
    std::string target =
        is_state ? "/xapi/activities/state?activityId=" + PercentEncode(kStateActivity) +
                       "&agent=" + PercentEncode(WriterAgent(writer))
                 : "/xapi/activities/profile?activityId=" + PercentEncode(ProfileActivity(writer));
    std::set<std::string> expected, listed;
    for (const DocKey& key : docs_) {
      if (key.writer == writer && key.is_state == is_state && *key.pinned) expected.insert(key.id);
    }
    HttpRequest req;
    req.target = target;
    HttpResponse r = conn.Send(req);
    json::value list = r.status == 200 ? r.Json() : json::value();
    if (!list.is_array()) {
      problems_.Add("id list " + target + " failed");
      ADD_FAILURE() << r;
      return;
    }
    for (const auto& id : list.as_array()) listed.emplace(id.as_string());
    if (listed != expected) {
      problems_.Add("id list " + target + " has " + std::to_string(listed.size()) +
                    " ids, by-id lookups found " + std::to_string(expected.size()));
    }
  }

  void PrintSummary(int cycle, int delay_ms, const CycleCounts& c,
                    std::chrono::steady_clock::time_point restart_begin,
                    std::chrono::steady_clock::time_point check_begin) {
    auto ms = [](auto d) {
      return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
    };
    auto end = std::chrono::steady_clock::now();
    std::printf(
        "[crash-loop] cycle %2d: kill at %3d ms | acked: %4d statements in %3d requests, "
        "%3d doc writes | in flight: %3d statements (%3d present), %d doc writes (%d landed) | "
        "restart %ld ms, checks %ld ms | %zu statements, %zu doc keys so far\n",
        cycle, delay_ms, c.acked_statements, c.acked_requests, c.acked_docs, c.in_flight_statements,
        c.landed_statements, c.in_flight_docs, c.landed_docs, ms(check_begin - restart_begin),
        ms(end - check_begin), statements_.size(), docs_.size());
    std::fflush(stdout);
  }

  LrsProcess& lrs_;
  std::mt19937_64 rng_;
  std::map<std::string, KnownStatement> statements_;
  std::vector<DocKey> docs_;
  CycleCounts totals_;
  Problems problems_;
};

TEST(CrashLoopTest, SigkillAtRandomMomentsLosesNothingAcknowledgedAndAppliesNothingHalfway) {
  const int cycles = EnvInt("LRS_CRASH_CYCLES", 20);
  const uint64_t seed = std::getenv("LRS_CRASH_SEED")
                            ? std::strtoull(std::getenv("LRS_CRASH_SEED"), nullptr, 10)
                            : std::random_device{}();
  std::printf("[crash-loop] seed %" PRIu64 " (LRS_CRASH_SEED=%" PRIu64 " to replay), %d cycles\n",
              seed, seed, cycles);
  SCOPED_TRACE("LRS_CRASH_SEED=" + std::to_string(seed));
  RecordProperty("seed", std::to_string(seed));

  LrsProcess lrs;
  ASSERT_TRUE(lrs.Start());
  CrashLoop loop(lrs, seed);
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    loop.RunCycle(cycle);
    if (HasFatalFailure()) return;
  }
  loop.RecheckEverything(cycles);
  EXPECT_EQ(loop.problems(), 0) << "durability problems (the first ones are reported above)";

  // The loop proved something only if writes were acknowledged and some
  // were cut off by the kill.
  EXPECT_GT(loop.totals().acked_statements, 0);
  EXPECT_GT(loop.totals().acked_docs, 0);
  EXPECT_GT(loop.totals().in_flight_statements + loop.totals().in_flight_docs, 0);
}

}  // namespace
}  // namespace lrs_it
