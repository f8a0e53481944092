// The fixture shared by the DocumentStore tests (document_store_*_test.cpp):
// a DocumentStore on a fresh RocksDB in a temporary directory, with builders
// for the three kinds of scope and shorthands for writing and reading back.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/store/database.h"
#include "lrs/store/document_store.h"
#include "lrs/store/partition_directory.h"
#include "lrs/xapi/agent.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store::test_util {

class DocumentStoreTest : public ::testing::Test {
 protected:
  static constexpr char kCourse[] = "http://example.org/activities/course";
  static constexpr char kLesson[] = "http://example.org/activities/lesson";
  static constexpr char kRegA[] = "6c0e3e2a-3a0b-4f7e-9d7e-1c2b3a4d5e6f";
  static constexpr char kRegB[] = "0f1e2d3c-4b5a-4697-8877-665544332211";

  using IdList = std::vector<std::string>;

  static std::string PartitionOf(std::string_view agent_json) {
    auto key = xapi::IfiKey(json::parse(agent_json));
    EXPECT_TRUE(key.has_value()) << agent_json;
    return key.value_or("");
  }

  static const std::string& Ada() {
    static const std::string k = PartitionOf(R"({"mbox":"mailto:ada@example.org"})");
    return k;
  }
  static const std::string& Bob() {
    static const std::string k = PartitionOf(R"({"mbox":"mailto:bob@example.org"})");
    return k;
  }

  static DocumentScope State(const std::string& partition, const std::string& activity,
                             std::optional<std::string> registration = std::nullopt) {
    return {DocumentKind::kState, partition, activity, std::move(registration)};
  }
  static DocumentScope ActivityProfile(const std::string& activity) {
    return {DocumentKind::kActivityProfile, "", activity, std::nullopt};
  }
  static DocumentScope AgentProfile(const std::string& partition) {
    return {DocumentKind::kAgentProfile, partition, "", std::nullopt};
  }

  // Spins (without sleeping) until the wall clock has passed `t`, so a write
  // made afterwards gets a strictly later `updated`.
  static void WaitForClockPast(Micros t) {
    while (NowMicros() <= t) std::this_thread::yield();
  }

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Open();
  }

  void Open() {
    auto db = Database::Open(
        DatabaseOptions{.path = dir_.path(), .block_cache_bytes = 8u << 20, .sync_writes = false});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    partitions_ = std::make_unique<PartitionDirectory>(db_.get());
    docs_ = std::make_unique<DocumentStore>(db_.get(), partitions_.get());
  }

  void Close() {
    docs_.reset();
    partitions_.reset();
    db_.reset();
  }

  // Stores `body` unconditionally (create or replace).
  void Put(const DocumentScope& scope, const std::string& id, const std::string& body,
           const std::string& content_type = "application/json") {
    Status s = docs_->Update(scope, id, [&](const std::optional<Document>&) {
      return Result<std::optional<Document>>(
          std::optional<Document>(Document{content_type, body, "", 0, ""}));
    });
    ASSERT_TRUE(s.ok()) << s.message();
  }

  Status Delete(const DocumentScope& scope, const std::string& id) {
    return docs_->Update(scope, id, [](const std::optional<Document>&) {
      return Result<std::optional<Document>>(std::optional<Document>());
    });
  }

  // The body stored at `id`, or "<missing>".
  std::string BodyOf(const DocumentScope& scope, const std::string& id) {
    auto d = docs_->Get(scope, id);
    if (!d.ok()) {
      EXPECT_TRUE(d.status().Is(Status::Code::kNotFound)) << d.status().message();
      return "<missing>";
    }
    return d->body;
  }

  std::vector<std::string> Ids(const DocumentScope& scope,
                               std::optional<Micros> since = std::nullopt) {
    auto ids = docs_->ListIds(scope, since);
    EXPECT_TRUE(ids.ok()) << ids.status().message();
    if (!ids.ok()) return {};
    std::sort(ids->begin(), ids->end());
    return *ids;
  }

  TempDir dir_{"lrs_document_store_test"};  // first, so it goes after the database
  std::unique_ptr<Database> db_;
  std::unique_ptr<PartitionDirectory> partitions_;
  std::unique_ptr<DocumentStore> docs_;
};

}  // namespace lrs::store::test_util
