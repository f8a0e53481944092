// StatementStore: the seam between the xAPI protocol and storage. Handlers in
// lrs/http speak only to this interface; RocksStatementStore is the one
// backend today, and a second backend is an addition, not a rewrite.
//
// Contract:
//  - Insert is all-or-nothing per call and durable when it returns ok: the
//    write is in the WAL and fsynced (group commit across concurrent calls).
//  - Every stored statement has a unique sequence number; sequence order is
//    stored order, and seq / 1000 is its stored time in milliseconds.
//  - A voided statement is found only by GetStatement(id, /*voided=*/true) and
//    never by Query; statements that target it remain queryable.
//  - A statement that targets another by StatementRef matches every filter
//    term the target matches (Communication 2.1.3, filter conditions).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/base/status.h"
#include "lrs/xapi/terms.h"

namespace lrs::store {

inline constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";
// The NotFound message of Get; a caller hiding a statement by the read rule
// answers with exactly this, so hidden and absent look the same.
inline constexpr std::string_view kNoSuchStatement = "no statement with that id";

// A statement ready to store: validated, with id, authority and version set.
// The store sets "stored" (and "timestamp" when absent) at commit.
struct NewStatement {
  Uuid id;
  boost::json::object statement;
  std::string partition;  // the actor's partition key (IfiKey) or "" for none
  // A voiding statement voids its target only when written into the
  // target's partition, by the target's authority, or with this set (the
  // operator); otherwise it is kept as a plain reference. So no writer can
  // hide another's statements from their owner.
  bool may_void_any = false;
  // Imports (lrs/portability) carry what the source store knew:
  // `voided_by` stores the statement already voided by that statement (which
  // need not be in this store); `apply_void` false keeps a voiding
  // statement from voiding anything here (the bundle says what is voided);
  // `provenance`, a JSON array of earlier stores' records, is kept beside
  // the statement and erased with it.
  std::optional<Uuid> voided_by = std::nullopt;
  bool apply_void = true;
  std::string provenance = "";
};

struct AttachmentContent {
  std::string sha2;  // lowercase hex SHA-256
  std::string content;
};

struct InsertOutcome {
  // Ids in request order; those that were already stored with the same
  // content are listed too (re-sending is idempotent).
  std::vector<std::string> ids;
};

struct StoredStatement {
  uint64_t seq = 0;
  uint64_t part = 0;  // the partition it is stored in
  std::string json;   // the statement as stored (exact format)
};

// One scope a query reads (a partition, or the statements one authority
// wrote), and what a statement there must pass besides the query's terms.
// Inside a partition's scope a StatementRef matches its target's terms only
// when the target is in the same partition; in an authority's scope a
// statement matches by its own properties only. Inheriting across
// partitions would reveal the target's properties to whoever sees the
// referrer.
struct ScopeFilter {
  uint64_t scope = 0;
  std::function<bool(const boost::json::object& statement)> admit;  // empty: all
  // The query's terms must be the statement's own (no StatementRef
  // inheritance at all): for scopes whose `admit` judges a statement by its
  // own properties (a grant), so a filter cannot probe what a referenced
  // statement that `admit` would refuse contains.
  bool own_terms_only = false;
  // A partition's scope (false: an authority scope, the statements one
  // authority wrote). A query over many partition scopes may read the
  // global indexes and keep what falls in them instead of opening a cursor
  // per scope.
  bool partition = true;
};

// One page request. Terms are ANDed. Sequence bounds are [min_seq, max_seq].
struct StatementQuery {
  // nullopt: the whole store, through the global indexes. Otherwise the
  // union of these scopes (duplicates across scopes returned once).
  std::optional<std::vector<ScopeFilter>> scopes;
  std::vector<xapi::Term> terms;
  uint64_t min_seq = 0;
  uint64_t max_seq = UINT64_MAX;
  bool ascending = false;
  size_t limit = 100;  // >= 1
};

struct QueryPage {
  std::vector<StoredStatement> statements;
  // When more results may follow: the sequence bound for the next page
  // (exclusive of everything returned).
  std::optional<uint64_t> next_seq;
};

// One statement of a partition as an export reads it.
struct ExportedStatement {
  uint64_t seq = 0;
  std::string json;               // as stored
  std::optional<Uuid> voided_by;  // set when voided
  std::string provenance;         // JSON array, "" when none
};

class StatementStore {
 public:
  virtual ~StatementStore() = default;

  // Stores `statements` and the attachment contents they reference. Fails
  // with Conflict (nothing stored) when an id exists with other content.
  virtual Result<InsertOutcome> Insert(std::vector<NewStatement> statements,
                                       std::vector<AttachmentContent> attachments) = 0;

  // `voided` false: the statement unless voided (statementId). `voided` true:
  // the statement only if voided (voidedStatementId). NotFound otherwise.
  virtual Result<StoredStatement> Get(const Uuid& id, bool voided) = 0;

  virtual Result<QueryPage> Query(const StatementQuery& query) = 0;

  // An attachment's content as stored with the statements of partition `part`.
  virtual Result<std::string> GetAttachment(uint64_t part, const std::string& sha2) = 0;

  // Erases every statement stored in these partitions with all its index
  // entries and attachments; returns how many statements went. Serialised
  // with writes. Durable in chunks: a crash leaves a prefix erased, and
  // calling again finishes the job.
  virtual Result<uint64_t> ErasePartitions(const std::vector<uint64_t>& parts) = 0;

  // The number of the scope holding what `authority_ifi_key` wrote, nullopt
  // while it wrote nothing.
  virtual Result<std::optional<uint64_t>> AuthorityScope(std::string_view authority_ifi_key) = 0;

  // The activity as statements have defined it so far (definitions merged,
  // newest wins per property and per language), or NotFound.
  virtual Result<std::string> GetActivity(const std::string& activity_id) = 0;

  // Reads a record for an export, from one consistent snapshot (so every
  // statement's attachments are there): first `on_attachment` for every
  // attachment kept with the statements of `parts` (each content once), then
  // `on_statement` for every statement stored in `parts`, in stored order
  // across them. Stops at a callback's first error and returns it. Reads one
  // record at a time (any record size).
  virtual Status ExportPartitions(
      const std::vector<uint64_t>& parts,
      const std::function<Status(const AttachmentContent&)>& on_attachment,
      const std::function<Status(const ExportedStatement&)>& on_statement) = 0;
  // Whether a statement with this id exists (voided or not) and where: for
  // an import deciding "already here" from "taken by someone else".
  // `provenance`, when given, receives its provenance array ("" if none).
  virtual Result<std::optional<StoredStatement>> Find(const Uuid& id,
                                                      std::string* provenance = nullptr) = 0;
  // Keeps an attachment's content with the statements of the partition
  // named `partition` (created if new); durable. Imports write attachments
  // ahead of the statements that use them.
  virtual Status PutAttachment(const std::string& partition,
                               const AttachmentContent& attachment) = 0;

  // Every statement with seq <= this is committed and visible to reads.
  virtual uint64_t ConsistentThroughSeq() = 0;
  // One consistent reading of both: `seq` as above, and `time`, a stored time
  // such that every statement stored at or before it has seq <= `seq` (the
  // millisecond before the earliest stored time a later write can get).
  // A query bounded by `seq` and answered with `time` as its
  // X-Experience-API-Consistent-Through misses nothing a client polling with
  // since=`time` would then skip.
  struct ConsistencyPoint {
    uint64_t seq;
    Micros time;
  };
  virtual ConsistencyPoint ConsistentThrough() = 0;
};

// Stored time of a sequence number, and the sequence bounds of a stored-time
// filter (since is exclusive, until inclusive, both at millisecond precision
// because stored is reported in milliseconds).
inline Micros SeqToStoredMicros(uint64_t seq) { return static_cast<Micros>(seq / 1000) * 1000; }
inline uint64_t FirstSeqAfter(Micros t) {
  Micros ms = t >= 0 ? t / 1000 : 0;
  return static_cast<uint64_t>(ms + 1) * 1000;
}

}  // namespace lrs::store
