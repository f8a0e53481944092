// AuditStore: the log of reads of a learner's data by anyone but the learner
// (docs/CONSENT.md, "The audit log"). Append returns only after the entry is
// in the fsynced WAL, so a handler can write it before its response leaves.
//
// Records (keys.h): 'u' learner-id '\0' seq(8) -> entry JSON (without the
// seq, which is the key's). seq is the microsecond clock, bumped past the
// last one this store handed out and past the learner's newest stored entry
// (so also across restarts with a clock set back): strictly increasing per
// learner, and the newest entry is the last key of the learner's range.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/store/database.h"

namespace lrs::store {

struct AuditEntry {
  Micros time = 0;
  std::string organisation;  // organisation id, or "operator"
  std::string credential_key;
  std::string method;     // "GET", "HEAD"
  std::string request;    // path with query, as received
  std::string kind;       // "statements", "documents", "agents", "activities", "erasure"
  uint64_t returned = 0;  // records of this learner the response returned
  uint64_t seq = 0;       // set by the store
};

class AuditStore {
 public:
  explicit AuditStore(Database* db) : db_(db) {}

  // Appends one entry per (learner, entry) pair in one durable write. An
  // entry's `seq` is ignored (the store assigns it); a `time` of 0 becomes
  // now.
  Status Append(const std::vector<std::pair<std::string, AuditEntry>>& entries);
  // Newest first, at most `limit`, only entries with seq < `before` when
  // given.
  Result<std::vector<AuditEntry>> List(std::string_view learner, std::optional<uint64_t> before,
                                       size_t limit);
  // Every entry of the learner, oldest first (exports); stops at fn's first
  // error.
  Status ForEach(std::string_view learner, const std::function<Status(const AuditEntry&)>& fn);
  // Deletes every entry of the learner (erasure), then appends `last`, in one
  // durable write.
  Status ReplaceAll(std::string_view learner, const AuditEntry& last);

 private:
  // The seq of the learner's newest entry, 0 when none.
  Result<uint64_t> LastSeq(std::string_view learner);
  // Puts the entries into `batch`, assigning their seqs under mu_.
  Status StageAll(rocksdb::WriteBatch* batch,
                  const std::vector<std::pair<std::string, AuditEntry>>& entries);

  Database* db_;
  std::mutex mu_;
  std::unordered_set<std::string> checked_;  // learners whose newest entry was read, under mu_
  uint64_t last_seq_ = 0;
};

}  // namespace lrs::store
