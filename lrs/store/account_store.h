// AccountStore: organisations, learners, the identities learners hold, and
// which learner owns which partition (docs/CONSENT.md, "The model").
//
// A learner owns the partitions of its identities. Linking an identity hands
// its partition (with everything already stored in it) to the learner by
// writing one owner record; no statement moves. An identity belongs to at
// most one learner.
//
// Records (keys.h): 'f' org-id -> organisation JSON; 'l' learner-id ->
// learner JSON; 'n' part(8) -> learner-id (partition owner; "erasing:"
// learner-id while that learner is being erased). Ids are UUID
// strings (lowercase, hyphenated). Every write is durable (WAL fsync) before
// it returns. Thread-safe; identity links are serialised by one mutex so two
// learners cannot claim the same identity at once.
#pragma once

#include <atomic>

#include <boost/json.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/store/database.h"
#include "lrs/store/partition_directory.h"

namespace lrs::store {

struct Organisation {
  std::string id;
  std::string name;
  Micros created = 0;
};

struct Identity {
  boost::json::object agent;  // the Agent as given (objectType, name, one IFI)
  std::string ifi_key;        // xapi::IfiKey(agent): also its partition name
  uint64_t partition = 0;
};

struct Learner {
  std::string id;
  std::string name;
  std::string credential_key;  // the learner's own credential
  std::vector<Identity> identities;
  Micros created = 0;
  // Set once the learner was erased: the record is then a tombstone with no
  // identities, name or credential; the counts say what was erased.
  std::optional<Micros> erased;
  uint64_t erased_statements = 0;
  uint64_t erased_documents = 0;
  bool erasing = false;  // erasure started and not yet finished
  // One record per bundle imported into this learner's record
  // (lrs/portability): when, from which store, what it brought.
  boost::json::array imports;
};

class AccountStore {
 public:
  // `db` and `partitions` must outlive the store.
  AccountStore(Database* db, PartitionDirectory* partitions) : db_(db), partitions_(partitions) {}

  Result<Organisation> CreateOrganisation(std::string name);
  // NotFound when absent.
  Result<Organisation> GetOrganisation(std::string_view id);
  Result<std::vector<Organisation>> ListOrganisations();

  // Creates a learner holding `identities` (each an Agent object with one
  // IFI, already validated by the caller; duplicates are linked once).
  // Conflict naming "identities[i]" when another learner holds one; nothing
  // is written then.
  Result<Learner> CreateLearner(std::string name, std::string credential_key,
                                const std::vector<boost::json::object>& identities);
  // NotFound when absent (a tombstone is returned, with `erased` set).
  Result<Learner> GetLearner(std::string_view id);
  // Links one more identity. Ok and unchanged when this learner already
  // holds it; Conflict naming "identity" when another learner does;
  // NotFound for an unknown, erased or erasing learner.
  Result<Learner> LinkIdentity(std::string_view learner_id, const boost::json::object& agent);
  // Appends `record` to the learner's imports (the latest 50 are kept).
  // NotFound for an unknown,
  // erased or erasing learner.
  Status RecordImport(std::string_view learner_id, boost::json::object record);
  // The learner holding the identity with this IFI key, if any.
  Result<std::optional<std::string>> LearnerOfIdentity(std::string_view ifi_key);
  // The learner owning partition `part`, if any.
  Result<std::optional<std::string>> OwnerOf(uint64_t part);

  // Erasure bookkeeping (the statements and documents themselves are erased
  // by their stores): BeginErasure marks the learner `erasing` and cuts its
  // partitions off from it, durably, so nothing of it is reachable through
  // the learner any more (OwnerOf and LearnerOfIdentity answer nullopt). The
  // record keeps its identities, with their partitions, for the erasure to
  // empty; until FinishErasure those identities still count as held, so no
  // other learner can link one midway. BeginErasure on a learner already
  // `erasing` returns it unchanged (resuming); NotFound when absent or
  // erased. FinishErasure turns the record into a tombstone (no name,
  // credential or identities; `erased` and the counts set) and releases the
  // identities; Ok and unchanged on a tombstone. Learners left `erasing` by
  // a crash are listed by PendingErasures so the server can finish them at
  // start.
  Result<Learner> BeginErasure(std::string_view learner_id);
  Status FinishErasure(std::string_view learner_id, uint64_t statements, uint64_t documents);
  Result<std::vector<Learner>> PendingErasures();

  // Bumped by every write, so a reader that keeps what it read (the read
  // rule's grant cache) can tell it is stale.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  Status Commit(rocksdb::WriteBatch* batch);
  std::atomic<uint64_t> generation_{0};
  Result<Learner> LoadLearner(std::string_view id);
  // The raw owner record of the identity's partition (a learner id, or a
  // learner being erased), nullopt when no one holds it.
  Result<std::optional<std::string>> Holder(std::string_view ifi_key);
  // The identity `agent` (partition not yet set) when `learner_id` may link
  // it: InvalidArgument without an IFI, Conflict naming `label` when another
  // learner holds it. Called under link_mu_.
  Result<Identity> ClaimIdentity(const boost::json::object& agent, std::string_view label,
                                 std::string_view learner_id);
  // Writes the learner record and owner records for `new_parts`, in one batch.
  Status WriteLearner(const Learner& l, const std::vector<uint64_t>& new_parts);

  Database* db_;
  PartitionDirectory* partitions_;
  std::mutex link_mu_;
};

}  // namespace lrs::store
