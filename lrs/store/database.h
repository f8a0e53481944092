// Database: the one RocksDB instance behind a data directory. It owns the
// handle and the options (block cache, bloom filters, compression) and turns
// RocksDB statuses into lrs::Status. Stores (statements, credentials, ...)
// share one Database; each writes through WriteDurable so nothing is
// acknowledged before it is fsynced.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <optional>
#include <string>

#include "lrs/base/status.h"

namespace lrs::store {

struct DatabaseOptions {
  std::string path;
  size_t block_cache_bytes = 256u << 20;
  // What RocksDB's memtables may hold together before they are flushed
  // (OptimizeLevelStyleCompaction's budget): with the block cache, the
  // bulk of lrsd's memory under heavy writes such as an import.
  size_t memtable_budget_bytes = 128u << 20;
  // Tests that never crash may turn fsync off; the server never does.
  bool sync_writes = true;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  ~Database();  // flushes and closes cleanly

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Get: the value, nullopt when absent, or an IoError.
  Result<std::optional<std::string>> Get(std::string_view key);
  // Applies the batch atomically; returns after the WAL is synced.
  Status WriteDurable(rocksdb::WriteBatch* batch);
  std::unique_ptr<rocksdb::Iterator> NewIterator(const rocksdb::ReadOptions& options);
  rocksdb::DB* raw() { return db_.get(); }

 private:
  Database(std::unique_ptr<rocksdb::DB> db, bool sync) : db_(std::move(db)), sync_(sync) {}
  std::unique_ptr<rocksdb::DB> db_;
  bool sync_;
};

Status FromRocks(const rocksdb::Status& s);

}  // namespace lrs::store
