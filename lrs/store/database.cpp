#include "lrs/store/database.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

namespace lrs::store {

namespace {

// Most of a statement's keys are index entries "tag [scope] [term] seq(8)"
// whose seq only grows: within one such prefix every insert lands at the end.
// Handing RocksDB the prefix lets its memtable skip list insert from where
// the previous key of the same prefix went instead of searching from the top,
// which was the largest single cost of a write (docs/PERFORMANCE.md).
class SeqSuffixedPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "lrs.SeqSuffixedPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    if (key.empty()) return false;
    // The exact sizes of keys.h's seq-suffixed layouts.
    switch (key[0]) {
      case 'O':
        return key.size() == 1 + 8;
      case 'S':
      case 'Q':
        return key.size() == 1 + 8 + 8;
      case 'X':
        return key.size() == 1 + 17 + 8;
      case 'Y':
        return key.size() == 1 + 8 + 17 + 8;
      default:
        return false;
    }
  }
};

}  // namespace

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
  // Statements reach RocksDB as one batch per group from one leader, so
  // concurrent memtable inserts gain nothing; sequential ones may use hints.
  options.allow_concurrent_memtable_write = false;
  options.memtable_insert_with_hint_prefix_extractor = std::make_shared<SeqSuffixedPrefix>();
  // Staging probes for ids that are not there (a new statement's id, its
  // voided marker): a memtable bloom filter answers those without a search.
  options.memtable_prefix_bloom_size_ratio = 0.05;
  options.memtable_whole_key_filtering = true;

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, o.path, &raw);
  if (!s.ok() && s.IsInvalidArgument()) {
    // A RocksDB built without LZ4/ZSTD: fall back rather than refuse to start.
    options.compression = rocksdb::kSnappyCompression;
    options.bottommost_compression = rocksdb::kDisableCompressionOption;
    s = rocksdb::DB::Open(options, o.path, &raw);
  }
  if (!s.ok()) return Status::IoError("cannot open data directory " + o.path + ": " + s.ToString());
  return std::unique_ptr<Database>(
      new Database(std::unique_ptr<rocksdb::DB>(raw), o.sync_writes, o.path));
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
