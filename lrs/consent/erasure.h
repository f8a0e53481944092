// Erasure of a learner's whole record (docs/CONSENT.md, "Erasure"): every
// statement in the learner's partitions with its index entries and
// attachments, the State and Agent Profile documents, grants, identity links
// and the learner's credential. The audit entries are replaced by one entry
// recording the erasure, and a tombstone stays in place of the learner.
//
// Crash-safe: the learner is marked `erasing` durably first (which already
// cuts it off from every read), and ResumePending finishes any erasure a
// crash interrupted.
#pragma once

#include <string>

#include "lrs/base/status.h"
#include "lrs/store/account_store.h"
#include "lrs/store/audit_store.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/document_store.h"
#include "lrs/store/grant_store.h"
#include "lrs/store/partition_directory.h"
#include "lrs/store/statement_store.h"

namespace lrs::consent {

struct ErasureCounts {
  uint64_t statements = 0;
  uint64_t documents = 0;
};

class Erasure {
 public:
  struct Stores {
    store::AccountStore* accounts;
    store::GrantStore* grants;
    store::AuditStore* audit;
    store::CredentialStore* credentials;
    store::DocumentStore* documents;
    store::StatementStore* statements;
    store::PartitionDirectory* partitions;
  };
  explicit Erasure(Stores stores) : s_(stores) {}

  // Who asked, for the erasure's audit entry.
  struct Requester {
    std::string who;  // "learner" or "operator"
    std::string credential_key;
  };
  // NotFound for an unknown or already erased learner.
  Result<ErasureCounts> EraseLearner(std::string_view learner_id, const Requester& by);
  // Finishes erasures left `erasing` by a crash.
  Status ResumePending();

 private:
  Result<ErasureCounts> Finish(const store::Learner& learner, const Requester& by);
  Stores s_;
};

}  // namespace lrs::consent
