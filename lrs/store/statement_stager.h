// StatementStager: turns the statements of one write group into RocksDB
// operations. Internal to RocksStatementStore's leader; not thread-safe.
//
// It sees the store as it is plus everything staged earlier in the same group
// (a group holds several client requests), so a request may void or repeat a
// statement that an earlier request of the group wrote. A request that fails
// leaves nothing behind: its operations are kept apart until it succeeds.
//
// It also sees the group staged just before it (`previous`), whose batch may
// still be on its way into RocksDB while this one stages: the store overlaps
// one group's write with the next group's staging. Once staging is done the
// stager is read-only, and may serve as the next group's `previous`.
#pragma once

#include <rocksdb/write_batch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lrs/store/database.h"
#include "lrs/store/partition_directory.h"
#include "lrs/store/statement_store.h"

namespace lrs::store {

class StatementStager {
 public:
  // `last_seq`: the last sequence number handed out so far.
  StatementStager(Database* db, PartitionDirectory* partitions, uint64_t last_seq,
                  std::shared_ptr<const StatementStager> previous)
      : db_(db), partitions_(partitions), last_seq_(last_seq), previous_(std::move(previous)) {}

  // Stages one request. On success its operations join the group batch; on
  // failure nothing of it does and the returned status says why.
  Result<InsertOutcome> StageRequest(std::vector<NewStatement>& statements,
                                     const std::vector<AttachmentContent>& attachments);

  // The group's batch, including the updated counters. Also lets go of
  // `previous` (by now its write has finished), so stagers never chain.
  rocksdb::WriteBatch* Finish();
  uint64_t last_seq() const { return last_seq_; }
  // The partitions this group created; PartitionDirectory::Settle takes them
  // once the batch's fate is known.
  const std::vector<std::string>& staged_partitions() const { return staged_partitions_; }

 private:
  // What the group knows of a statement id (from the store or this group).
  struct Known {
    uint64_t part = 0;
    uint64_t seq = 0;
    bool voiding = false;
    std::string json;
    std::string terms;       // concatenated term ids (keys::TermId), global
    std::string part_terms;  // the same in its partition's scope
  };
  // A request's staged state, merged into the group's on success.
  struct Pending {
    rocksdb::WriteBatch batch;
    std::map<std::string, Known> known;                     // by raw uuid bytes
    std::map<std::string, bool> voided;                     // raw uuid -> voided now
    std::map<std::string, std::string> markers;             // raw uuid -> 'V' value written
    std::map<std::string, std::string> activities;          // activity id -> merged JSON
    std::multimap<std::string, std::string> refs;           // raw target uuid -> raw referrer uuid
    std::multimap<std::string, uint64_t> attachment_parts;  // sha2 hex -> partitions using it
    uint64_t last_seq;
  };

  Status StageOne(NewStatement& s, Pending& p, InsertOutcome& out);
  Result<uint64_t> StagePartition(const std::string& name);
  Result<std::optional<uint64_t>> FindPartition(const std::string& name) const;
  static void NoteAttachments(const boost::json::object& statement, uint64_t part, Pending& p);
  Result<std::optional<Known>> Lookup(const std::string& raw_id, const Pending& p);
  Result<bool> IsVoided(const std::string& raw_id, const Pending& p);
  // `marker` says who voids (VoidMarker in the .cpp).
  Status ApplyVoid(const Uuid& target, const std::string& marker, Pending& p);
  Result<std::optional<std::string>> MarkerOf(const std::string& raw_id, const Pending& p);
  // Gives statements that already reference `target` its filter terms
  // (they arrived before it), and so on down chains of references.
  // `part_terms` go to referrers in `target_part` only.
  Status PropagateToReferrers(const std::string& raw_target, const std::string& terms,
                              const std::string& part_terms, uint64_t target_part, Pending& p,
                              int depth);
  Result<std::vector<std::string>> Referrers(const std::string& raw_target, const Pending& p);
  // Folds the activity definitions a statement carries into the stored ones
  // (statement_stager_activities.cpp).
  Status MergeActivities(const boost::json::object& statement, Pending& p);
  Status MergeActivity(const boost::json::object& activity, Pending& p);
  Result<std::string> StoredActivity(const std::string& id, const Pending& p) const;

  Database* db_;
  PartitionDirectory* partitions_;
  uint64_t last_seq_;
  std::shared_ptr<const StatementStager> previous_;
  rocksdb::WriteBatch group_;
  std::map<std::string, Known> known_;
  std::map<std::string, bool> voided_;
  std::map<std::string, std::string> markers_;
  std::map<std::string, std::string> activities_;
  std::multimap<std::string, std::string> refs_;
  std::map<std::string, uint64_t> group_partitions_;  // names resolved in this group
  std::vector<std::string> staged_partitions_;
};

// A statement's entries in the scoped indexes ('Q', 'Y'): in its partition's
// scope with `part_terms`, in its authority's scope (when it has one) with
// its own terms only.
struct ScopedEntries {
  uint64_t part;
  uint64_t seq;
  const Uuid& id;
  std::string_view part_terms;
  std::string_view own_terms;
  std::optional<uint64_t> authority_scope;
};
void IndexScoped(const ScopedEntries& entries, bool put, rocksdb::WriteBatch* batch);
// The statement's own term ids (keys::TermId), concatenated.
std::string OwnTermIds(const boost::json::object& statement);
// The number of the authority scope of the statement's authority, if any.
Result<std::optional<uint64_t>> AuthorityScopeOf(PartitionDirectory* partitions,
                                                 const boost::json::object& statement);

// The target id of a StatementRef object, if `statement.object` is one.
std::optional<Uuid> StatementRefTarget(const boost::json::object& statement);
bool IsVoidingStatement(const boost::json::object& statement);

}  // namespace lrs::store
