// DocumentStore: the xAPI document resources (State, Activity Profile, Agent
// Profile). Documents are opaque bytes with a content type, an ETag (SHA-1
// of the bytes, as the ADL suite expects) and the time they last changed.
//
// State and Agent Profile documents live in the partition of the agent they
// name, so a learner's documents move and vanish with the learner's record.
// Activity Profile documents belong to no learner: they live in partition 0.
//
// Every change goes through Update, which hands the current document to a
// function that decides the new one (or refuses, e.g. on a failed If-Match),
// under a lock striped by (kind, partition, activity), then writes durably.
// So precondition checks and merges are atomic with the write.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/store/database.h"
#include "lrs/store/partition_directory.h"

namespace lrs::store {

enum class DocumentKind : char { kState = 's', kActivityProfile = 'a', kAgentProfile = 'p' };

// Where a document is. `partition` is the agent's IfiKey (State, Agent
// Profile) or "" (Activity Profile). `activity_id` is empty for Agent
// Profile; `registration` is used by State only.
struct DocumentScope {
  DocumentKind kind;
  std::string partition;
  std::string activity_id;
  std::optional<std::string> registration;
};

struct Document {
  std::string content_type;
  std::string body;
  std::string etag;  // lowercase hex SHA-1 of body, unquoted
  Micros updated = 0;
  // Who last wrote it: "o:" + organisation id, "l:" + learner id or
  // "k:" + operator credential key (set by the caller, read by the read rule).
  std::string writer;
};

struct DocumentInfo {
  std::string id;
  std::string writer;
  Micros updated = 0;
};

// One document of a partition as an export reads it (`scope.partition` is
// left empty: the caller knows whose partition it asked for).
struct ExportedDocument {
  DocumentScope scope;
  std::string id;
  Document document;
};

class DocumentStore {
 public:
  // `db` and `partitions` must outlive the store.
  DocumentStore(Database* db, PartitionDirectory* partitions) : db_(db), partitions_(partitions) {}

  // NotFound when absent.
  Result<Document> Get(const DocumentScope& scope, std::string_view id);

  // Ids in the scope changed after `since` (all when nullopt). For State
  // without a registration, only documents stored without one.
  // `last_modified`, when given, receives the latest change among them (0 if none).
  Result<std::vector<std::string>> ListIds(const DocumentScope& scope, std::optional<Micros> since,
                                           Micros* last_modified = nullptr);
  // Like ListIds, with who wrote each and when (the read rule filters these).
  Result<std::vector<DocumentInfo>> List(const DocumentScope& scope, std::optional<Micros> since);
  // The partition number of a scope's agent, nullopt when nothing was ever
  // stored for it (Activity Profile: 0).
  Result<std::optional<uint64_t>> PartitionOf(const DocumentScope& scope);
  // Calls `fn` for every State and Agent Profile document of partition
  // `part`, from one snapshot; stops at fn's first error.
  Status ExportPartition(uint64_t part, const std::function<Status(const ExportedDocument&)>& fn);
  // Erases every State and Agent Profile document of a partition; returns
  // how many there were. Durable.
  Result<uint64_t> ErasePartition(uint64_t part);

  // `decide` receives the current document (nullopt if none) and returns the
  // document to store, nullopt to delete it, or an error that aborts with
  // nothing changed. The new document's etag and updated are set here.
  using Decision = std::function<Result<std::optional<Document>>(const std::optional<Document>&)>;
  Status Update(const DocumentScope& scope, std::string_view id, const Decision& decide);

  // Deletes every document in the scope (State "delete all") for which
  // `may_delete` (when given) says yes.
  Status DeleteAll(const DocumentScope& scope,
                   const std::function<bool(const DocumentInfo&)>& may_delete = nullptr);

 private:
  // The key prefix of a scope, or nullopt when its partition does not exist
  // (then it holds nothing).
  Result<std::optional<std::string>> ScopePrefix(const DocumentScope& scope, bool create);
  std::mutex& StripeFor(const DocumentScope& scope);

  Database* db_;
  PartitionDirectory* partitions_;
  std::array<std::mutex, 64> stripes_;
};

}  // namespace lrs::store
