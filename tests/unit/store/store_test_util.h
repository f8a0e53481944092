// Shared helpers for the store tests: a temporary directory, a fresh RocksDB
// in one per test, and builders for prepared statements.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "lrs/base/encoding.h"
#include "lrs/store/database.h"
#include "lrs/store/rocks_statement_store.h"
#include "lrs/store/statement_store.h"
#include "lrs/xapi/agent.h"
#include "tests/common/temp_dir.h"

namespace lrs::store::test_util {

namespace json = boost::json;

inline constexpr std::string_view kAda =
    R"({"objectType":"Agent","mbox":"mailto:ada@example.org"})";
inline constexpr std::string_view kBob =
    R"({"objectType":"Agent","mbox":"mailto:bob@example.org"})";
inline constexpr std::string_view kCarol =
    R"({"objectType":"Agent","mbox":"mailto:carol@example.org"})";
inline constexpr std::string_view kAuthority =
    R"({"objectType":"Agent","account":{"homePage":"https://lrs.example.org","name":"tester"}})";
inline constexpr std::string_view kAttempted = "http://adlnet.gov/expapi/verbs/attempted";
inline constexpr std::string_view kCompleted = "http://adlnet.gov/expapi/verbs/completed";
inline constexpr std::string_view kCourse = "http://example.org/activities/course";
inline constexpr std::string_view kLesson = "http://example.org/activities/lesson";

// A statement as PrepareStatement leaves it: id, actor, verb, an Activity
// object, authority and version.
inline json::object MakeStatement(const Uuid& id, std::string_view actor, std::string_view verb,
                                  std::string_view activity) {
  json::object s;
  s["id"] = FormatUuid(id);
  s["actor"] = json::parse(actor);
  s["verb"] = json::object{{"id", verb}};
  s["object"] = json::object{{"objectType", "Activity"}, {"id", activity}};
  s["authority"] = json::parse(kAuthority);
  s["version"] = "1.0.0";
  return s;
}

inline json::object MakeStatementRef(const Uuid& id, std::string_view actor, std::string_view verb,
                                     const Uuid& target) {
  json::object s = MakeStatement(id, actor, verb, kCourse);
  s["object"] = json::object{{"objectType", "StatementRef"}, {"id", FormatUuid(target)}};
  return s;
}

inline json::object MakeVoiding(const Uuid& id, const Uuid& target) {
  return MakeStatementRef(id, kAda, kVoidedVerb, target);
}

inline NewStatement ToNew(const json::object& s) {
  NewStatement n;
  n.id = *ParseUuid(s.at("id").as_string());
  n.statement = s;
  auto key = xapi::IfiKey(s.at("actor"));
  n.partition = key ? *key : "";
  return n;
}

// Declare it before the database that lives in it, so the database closes
// first.
using lrs::test::TempDir;

// A fresh database and statement store in a temporary directory.
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Reopen();
  }

  void Close() {
    store_.reset();
    db_.reset();
  }

  // Opens (or reopens, after Close) the database and the store.
  void Reopen() {
    Close();
    auto db = Database::Open(
        DatabaseOptions{.path = dir_.path(), .block_cache_bytes = 8u << 20, .sync_writes = true});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    auto store = RocksStatementStore::Open(db_.get());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }

  Result<InsertOutcome> Insert(std::vector<json::object> statements,
                               std::vector<AttachmentContent> attachments = {}) {
    std::vector<NewStatement> news;
    for (const auto& s : statements) news.push_back(ToNew(s));
    return store_->Insert(std::move(news), std::move(attachments));
  }

  // Inserts one statement and returns its sequence number (0 on failure).
  uint64_t InsertOne(const json::object& s) {
    auto r = Insert({s});
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return 0;
    auto got = store_->Get(*ParseUuid(s.at("id").as_string()), false);
    EXPECT_TRUE(got.ok()) << got.status().message();
    return got.ok() ? got->seq : 0;
  }

  // Every statement matching `q` (one page, with a large limit).
  std::vector<StoredStatement> QueryAll(StatementQuery q) {
    q.limit = 100000;
    auto page = store_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status().message();
    if (!page.ok()) return {};
    EXPECT_FALSE(page->next_seq.has_value());
    return page->statements;
  }

  // The ids (canonical text) of the statements matching `terms`, in result order.
  std::vector<std::string> QueryIds(std::vector<xapi::Term> terms, bool ascending = true) {
    StatementQuery q;
    q.terms = std::move(terms);
    q.ascending = ascending;
    std::vector<std::string> ids;
    for (const auto& s : QueryAll(q)) ids.push_back(IdOf(s));
    return ids;
  }

  static std::string IdOf(const StoredStatement& s) {
    return std::string(json::parse(s.json).at("id").as_string());
  }

  static std::string IdText(const Uuid& id) { return FormatUuid(id); }

  TempDir dir_;  // first, so it goes after the database
  std::unique_ptr<Database> db_;
  std::unique_ptr<RocksStatementStore> store_;
};

}  // namespace lrs::store::test_util
