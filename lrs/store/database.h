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
#include "lrs/store/backup.h"

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
  // The data directory (RocksDB's own, also home to store-key.pem).
  const std::string& path() const { return path_; }

  // Writes a backup (layout in backup.h) into `dir`, which must be absent or
  // an empty directory (Conflict otherwise, also when another backup claims
  // it first). Safe while writes go on: the RocksDB checkpoint is the
  // database as of one instant, so it holds every write acknowledged before
  // the call and each write batch entirely or not at all. Everything is
  // fsynced, the manifest last. On failure what was written is removed.
  // Defined in backup.cpp.
  Result<BackupManifest> Backup(const std::string& dir);

 private:
  Database(std::unique_ptr<rocksdb::DB> db, bool sync, std::string path)
      : db_(std::move(db)), sync_(sync), path_(std::move(path)) {}
  Result<BackupManifest> WriteBackup(const std::string& dir, Micros started);
  std::unique_ptr<rocksdb::DB> db_;
  bool sync_;
  std::string path_;
};

Status FromRocks(const rocksdb::Status& s);

}  // namespace lrs::store
