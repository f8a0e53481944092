// PartitionDirectory: partition names (an identity's IFI key, a group's or an
// authority scope's name) to the 8-byte numbers that prefix that partition's
// keys. Numbers are allocated once and never reused.
//
// Thread-safe. Two ways to create a partition:
//  - FindOrCreate writes the mapping with its own fsync, for stores that
//    need the number durable before their own batch (documents, accounts);
//  - FindOrStage puts the mapping into the caller's batch, for the statement
//    writer, whose group commit makes it durable with the statements that use
//    it. A run of statements from new learners then costs no extra fsync in
//    the writer's critical section (it used to cost one per new learner).
// Numbers are reserved in blocks (one durable counter write per block), so a
// staged number is never handed to anyone else even before its batch
// commits; a block's unused numbers are skipped after a restart.
//
// Committed mappings are cached (names are never renamed; Forget drops the
// entry), so the hot path reads no key.
#pragma once

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lrs/base/status.h"
#include "lrs/store/database.h"

namespace lrs::store {

class PartitionDirectory {
 public:
  explicit PartitionDirectory(Database* db) : db_(db) {}

  // The partition's number, nullopt when it has none yet (a staged mapping
  // whose batch has not committed counts as none).
  Result<std::optional<uint64_t>> Find(std::string_view name);
  // The partition's number, allocating one and writing it durably if needed.
  Result<uint64_t> FindOrCreate(std::string_view name);
  // The partition's number; a new (or still staged) mapping is also put into
  // `batch` and its name appended to `staged`. The caller must later call
  // Settle(staged, whether that batch committed). Call it once per name and
  // batch: each call holds the staged number until its Settle, so a failed
  // batch cannot release a number a later batch staged too.
  Result<uint64_t> FindOrStage(std::string_view name, rocksdb::WriteBatch* batch,
                               std::vector<std::string>* staged);
  void Settle(const std::vector<std::string>& staged, bool committed);
  // Drops the name (an erased learner's identity: the name is personal
  // data). The number is never reused; the name gets a new one if it comes
  // back.
  Status Forget(std::string_view name);

 private:
  // All with mu_ held.
  Result<uint64_t> Allocate();
  // Where `name`'s number is: committed (cached or read now), staged in a
  // batch not yet committed, or freshly allocated (nowhere yet).
  struct Resolved {
    uint64_t part;
    enum { kStored, kStaged, kFresh } where;
  };
  Result<Resolved> Resolve(std::string_view name);
  void Remember(const std::string& name, uint64_t part);

  Database* db_;
  std::mutex mu_;
  std::unordered_map<std::string, uint64_t> committed_;  // a cache of durable mappings
  struct Staged {
    uint64_t part;
    int batches;  // staged in this many batches not settled yet
  };
  std::unordered_map<std::string, Staged> staged_;  // in batches not yet committed
  uint64_t next_ = 0;            // next number to hand out; 0: counter not read yet
  uint64_t reserved_until_ = 0;  // the durable counter: numbers below it are reserved
  uint64_t generation_ = 0;      // bumped by Forget, so a racing read cannot re-cache
};

}  // namespace lrs::store
