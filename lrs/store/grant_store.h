// GrantStore: consent grants from learners to organisations, as records.
// What a grant means (validation, coverage) is lrs/consent/grant.h; here a
// grant is its JSON text plus the fields the store indexes.
//
// Records (keys.h): 'g' learner-id grant-id -> StoredGrant JSON; 'h' org-id
// learner-id -> "" (the grantee index: learners who ever granted this
// organisation something not yet revoked). Grants are immutable: only their
// status changes (revoked, replaced). Every write is durable before it
// returns; thread-safe.
#pragma once

#include <atomic>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/store/database.h"

namespace lrs::store {

struct StoredGrant {
  std::string id;            // UUID string
  std::string learner;       // learner id
  std::string organisation;  // organisation id
  std::string body;          // the grant as the learner made it (canonical JSON)
  Micros created = 0;
  std::optional<Micros> expires;
  std::optional<Micros> revoked;           // set by Revoke or by a replacement
  std::optional<std::string> replaced_by;  // grant id, when replaced
  bool LiveAt(Micros now) const { return !revoked && (!expires || now < *expires); }
};

class GrantStore {
 public:
  explicit GrantStore(Database* db) : db_(db) {}

  // Stores `grant` (id, learner, organisation, body, created, expires set by
  // the caller; revoked and replaced_by are ignored). With `replaces`, that
  // grant of the same learner is marked revoked (at the new grant's
  // `created`) and replaced_by in the same write; NotFound if it does not
  // exist, Conflict if it is already revoked or replaced, and nothing is
  // written then. Conflict too when the learner already has a grant with
  // this id.
  Status Create(const StoredGrant& grant, const std::optional<std::string>& replaces);
  // NotFound when the learner has no such grant.
  Result<StoredGrant> Get(std::string_view learner, std::string_view grant_id);
  // All grants of a learner, newest first (created descending, ties by id
  // descending).
  Result<std::vector<StoredGrant>> ListForLearner(std::string_view learner);
  // Marks the grant revoked at `now` (idempotent: an already revoked grant
  // keeps its first time). NotFound when absent.
  Status Revoke(std::string_view learner, std::string_view grant_id, Micros now);
  // The learners with a not-revoked grant to `organisation` (the grantee
  // index), each with those grants. Expired grants may be included; callers
  // check LiveAt. Reads only this organisation's index entries and those
  // learners' grants.
  struct LearnerGrants {
    std::string learner;
    std::vector<StoredGrant> grants;
  };
  Result<std::vector<LearnerGrants>> ForOrganisation(std::string_view organisation);
  // A learner's not-revoked grants to one organisation, newest first.
  Result<std::vector<StoredGrant>> Between(std::string_view learner, std::string_view organisation);
  // Removes every grant of the learner and its grantee index entries.
  Status EraseLearner(std::string_view learner);

  // Bumped by every write, so a reader that keeps what it read (the read
  // rule's grant cache) can tell it is stale.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  Status Commit(rocksdb::WriteBatch* batch);
  std::atomic<uint64_t> generation_{0};
  // Every grant of the learner, in key (grant id) order.
  Result<std::vector<StoredGrant>> Load(std::string_view learner);

  Database* db_;
  // Serialises the read-modify-writes (Create, Revoke, EraseLearner), so the
  // grantee index never loses an entry to a concurrent revocation.
  std::mutex mu_;
};

}  // namespace lrs::store
