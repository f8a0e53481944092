#include "lrs/store/database.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

namespace lrs::store {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  return Status::IoError("storage: " + s.ToString());
}

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& o) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  options.OptimizeLevelStyleCompaction(o.memtable_budget_bytes);
  // Point lookups (id index, voided markers, partitions) dominate; bloom
  // filters make the many misses cheap.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  // Concurrent writers are grouped into one WAL write + fsync.
  options.enable_pipelined_write = true;

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, o.path, &raw);
  if (!s.ok() && s.IsInvalidArgument()) {
    // A RocksDB built without LZ4/ZSTD: fall back rather than refuse to start.
    options.compression = rocksdb::kSnappyCompression;
    options.bottommost_compression = rocksdb::kDisableCompressionOption;
    s = rocksdb::DB::Open(options, o.path, &raw);
  }
  if (!s.ok()) return Status::IoError("cannot open data directory " + o.path + ": " + s.ToString());
  return std::unique_ptr<Database>(new Database(std::unique_ptr<rocksdb::DB>(raw), o.sync_writes));
}

Database::~Database() {
  if (db_) {
    db_->FlushWAL(true);
    db_->Close();
  }
}

Result<std::optional<std::string>> Database::Get(std::string_view key) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

Status Database::WriteDurable(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions wo;
  wo.sync = sync_;
  return FromRocks(db_->Write(wo, batch));
}

std::unique_ptr<rocksdb::Iterator> Database::NewIterator(const rocksdb::ReadOptions& options) {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options));
}

}  // namespace lrs::store
