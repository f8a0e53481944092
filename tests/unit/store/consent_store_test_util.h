// Shared fixture of the consent store tests (accounts, grants, audit): a
// fresh RocksDB in a temporary directory with the stores over it, reopenable
// to check that records are durable.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lrs/store/account_store.h"
#include "lrs/store/audit_store.h"
#include "lrs/store/database.h"
#include "lrs/store/grant_store.h"
#include "lrs/store/partition_directory.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store::test_util {

class ConsentStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Reopen();
  }

  void Close() {
    audit_.reset();
    grants_.reset();
    accounts_.reset();
    partitions_.reset();
    db_.reset();
  }

  // Opens (or reopens) the database and fresh stores over it.
  void Reopen() {
    Close();
    auto db = Database::Open(
        DatabaseOptions{.path = dir_.path(), .block_cache_bytes = 8u << 20, .sync_writes = true});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    partitions_ = std::make_unique<PartitionDirectory>(db_.get());
    accounts_ = std::make_unique<AccountStore>(db_.get(), partitions_.get());
    grants_ = std::make_unique<GrantStore>(db_.get());
    audit_ = std::make_unique<AuditStore>(db_.get());
  }

  // How many keys start with `prefix`.
  size_t CountKeys(const std::string& prefix) {
    size_t n = 0;
    auto it = db_->NewIterator(rocksdb::ReadOptions());
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    EXPECT_TRUE(it->status().ok());
    return n;
  }

  TempDir dir_{"lrs_consent_test"};  // first, so it goes after the database
  std::unique_ptr<Database> db_;
  std::unique_ptr<PartitionDirectory> partitions_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<GrantStore> grants_;
  std::unique_ptr<AuditStore> audit_;
};

}  // namespace lrs::store::test_util
