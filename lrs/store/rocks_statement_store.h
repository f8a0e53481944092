// RocksStatementStore: StatementStore on RocksDB, with the key layout of
// keys.h.
//
// Writes go through a LevelDB-style writer queue: concurrent Insert calls
// line up, the one at the front becomes the leader, stages the requests of
// everyone queued behind it into one WriteBatch (checking each request's ids
// against the store and against earlier requests of the same group), writes
// it with one WAL fsync, and wakes the others. Only the leader writes, so
// sequence numbers are committed in order and ConsistentThroughSeq is simply
// the last committed one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "lrs/store/database.h"
#include "lrs/store/partition_directory.h"
#include "lrs/store/statement_store.h"

namespace lrs::store {

class StatementStager;

class RocksStatementStore : public StatementStore {
 public:
  // `db` must outlive the store.
  static Result<std::unique_ptr<RocksStatementStore>> Open(Database* db);

  Result<InsertOutcome> Insert(std::vector<NewStatement> statements,
                               std::vector<AttachmentContent> attachments) override;
  Result<StoredStatement> Get(const Uuid& id, bool voided) override;
  Result<QueryPage> Query(const StatementQuery& query) override;
  Result<std::string> GetAttachment(uint64_t part, const std::string& sha2) override;
  Result<uint64_t> ErasePartitions(const std::vector<uint64_t>& parts) override;
  Result<std::optional<uint64_t>> AuthorityScope(std::string_view authority_ifi_key) override;
  Result<std::string> GetActivity(const std::string& activity_id) override;
  // statement_export.cpp
  Status ExportPartitions(
      const std::vector<uint64_t>& parts,
      const std::function<Status(const AttachmentContent&)>& on_attachment,
      const std::function<Status(const ExportedStatement&)>& on_statement) override;
  Result<std::optional<StoredStatement>> Find(const Uuid& id,
                                              std::string* provenance = nullptr) override;
  Status PutAttachment(const std::string& partition, const AttachmentContent& attachment) override;
  uint64_t ConsistentThroughSeq() override { return committed_seq_.load(); }
  // Shared with the other stores of the same database.
  PartitionDirectory* partitions() { return &partitions_; }
  ConsistencyPoint ConsistentThrough() override;
  // How many scopes scoped queries have read since the store opened (the
  // figure behind "a consent query reads only the granted partitions").
  // Scopes read one cursor each; queries that read many partition scopes at
  // once through the global indexes count in filtered_reads() instead.
  uint64_t scopes_read() const { return scopes_read_.load(); }
  uint64_t filtered_reads() const { return filtered_reads_.load(); }

 private:
  struct Writer;

  explicit RocksStatementStore(Database* db) : db_(db), partitions_(db) {}
  void LeadGroup(std::unique_lock<std::mutex>& lock);
  void Retire(const std::vector<Writer*>& group);
  void Complete(const std::vector<Writer*>& group);
  // Waits for `w`'s turn in the writer queue and runs it.
  void Enqueue(Writer* w);
  // Erasure of one partition, run alone at the front of the writer queue
  // (statement_eraser.cpp).
  Result<uint64_t> ErasePartition(uint64_t part);
  Status Unreference(const Uuid& target, uint64_t erasing, rocksdb::WriteBatch* batch);
  Status Reterm(const Uuid& referrer, const std::string& inherited, uint64_t erasing,
                rocksdb::WriteBatch* batch, int depth);

  Database* db_;
  PartitionDirectory partitions_;
  std::mutex mu_;
  std::deque<Writer*> writers_;  // guarded by mu_; front is the leader
  // Guarded by mu_. The last sequence number staged (committed or on its way).
  uint64_t staged_seq_ = 0;
  // The group whose batch is being written, if any; the next group stages on
  // top of it and writes after it. in_flight_done_ signals it has finished.
  std::shared_ptr<const StatementStager> in_flight_;
  Status previous_write_;  // the last group write's outcome
  std::condition_variable in_flight_done_;
  std::atomic<uint64_t> committed_seq_{0};
  std::atomic<uint64_t> scopes_read_{0};
  std::atomic<uint64_t> filtered_reads_{0};
};

}  // namespace lrs::store
