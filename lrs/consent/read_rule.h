// The read rule (docs/CONSENT.md, "The read rule"), in one place. Every read
// path (statements by id and by query, `more` pages, attachments, Agents,
// Activities, State and Agent Profile documents) asks a View built for its
// request; nothing else decides who sees what.
//
// A View is a snapshot taken once per request: the principal (operator,
// learner, organisation), the learner's partitions or the organisation's
// live grants by learner, at the request's clock reading. An organisation's
// grants are kept between requests (reading ten thousand learners' grants
// per request cost more than the query), but only while neither the grant
// nor the account records changed since (their stores count their writes)
// and no grant among them has expired: a revocation still applies to the
// very next request.
#pragma once

#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/consent/grant.h"
#include "lrs/store/account_store.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/grant_store.h"
#include "lrs/store/partition_directory.h"
#include "lrs/store/statement_store.h"

namespace lrs::consent {

enum class PrincipalKind { kOperator, kLearner, kOrganisation };

// What a document looks like to the rule.
struct DocumentFacts {
  std::string activity_id;                  // "" for Agent Profile
  std::optional<std::string> registration;  // State only
  std::string writer;                       // store::Document::writer
  Micros updated = 0;
};

// An organisation's live grants by learner, and those learners' partitions.
struct OrganisationGrants {
  std::map<std::string, std::vector<Grant>> by_learner;
  std::map<uint64_t, std::string> partitions;  // partition -> learner
  // One scope per granted partition, admitting what that learner's grants
  // cover: built once with the grants, copied into each query.
  std::vector<store::ScopeFilter> scopes;
};

class View {
 public:
  PrincipalKind kind() const { return kind_; }
  // The authority Agent statements written by this credential carry.
  const boost::json::value& authority() const { return authority_; }
  // The writer tag documents written by this credential carry.
  const std::string& writer() const { return writer_; }
  // "operator" or the organisation id, for audit entries.
  std::string AuditName() const;
  const std::string& learner() const { return learner_; }
  // For a learner's view: whether the IFI key is one of the learner's
  // identities (a learner writes only its own record).
  bool IsOwnIdentity(const std::string& ifi_key) const { return own_identities_.contains(ifi_key); }

  // Rule 1-4 for one stored statement in partition `part`.
  Result<bool> SeesStatement(uint64_t part, const boost::json::object& statement) const;
  // The scopes a query must read, each with the predicate statements there
  // must pass; nullopt means the whole store (an operator with a read scope).
  std::optional<std::vector<store::ScopeFilter>> StatementScopes() const;
  // Documents in partition `part`.
  Result<bool> SeesDocument(uint64_t part, const DocumentFacts& doc) const;
  // Whether this credential may replace, merge into or delete an existing
  // document: the owner, the operator and its writer may; a grant never
  // gives more than reading.
  bool MayOverwriteDocument(uint64_t part, const std::string& writer) const;
  // Whether the Agents resource may show the learner owning `part` whole.
  Result<bool> SeesLearnerOf(uint64_t part) const;
  // The learner owning `part` when that is not this view's own learner, i.e.
  // whom a read of `part` must be audited for. nullopt: no audit.
  Result<std::optional<std::string>> AuditedOwner(uint64_t part) const;

 private:
  friend class ReadRule;
  Result<std::optional<std::string>> OwnerOf(uint64_t part) const;
  const std::vector<Grant>* GrantsFrom(const std::string& learner) const;
  // The learner whose grant opens `part` to this organisation, if any.
  const std::string* GrantingLearner(uint64_t part) const;
  bool WroteIt(const boost::json::object& statement) const;

  PrincipalKind kind_ = PrincipalKind::kOperator;
  bool read_all_ = false;      // operator with a read scope
  bool read_mine_ = false;     // rule 3 applies
  bool read_granted_ = false;  // rule 4 applies
  Micros now_ = 0;
  boost::json::value authority_;
  std::string authority_key_;  // IfiKey(authority_)
  std::optional<uint64_t> authority_scope_;
  std::string writer_;
  std::string organisation_;
  std::string learner_;
  std::set<uint64_t> own_partitions_;     // learner's
  std::set<std::string> own_identities_;  // learner's IFI keys
  // Organisation: live grants by learner, and those learners' partitions.
  std::shared_ptr<const OrganisationGrants> granted_;
  store::AccountStore* accounts_ = nullptr;
  // Partition owners looked up so far (a View serves one request, one thread).
  mutable std::map<uint64_t, std::optional<std::string>> owners_;
};

class ReadRule {
 public:
  ReadRule(store::AccountStore* accounts, store::GrantStore* grants,
           store::PartitionDirectory* partitions, std::string authority_home_page)
      : accounts_(accounts),
        grants_(grants),
        partitions_(partitions),
        authority_home_page_(std::move(authority_home_page)) {}

  // The view of `credential` at `now`. An organisation's grants are read
  // only with `reads` (a request that may return learner data), so writes
  // cost nothing however many learners granted it; a view without them
  // sees only what rules 1-3 give.
  Result<std::shared_ptr<const View>> ViewFor(const store::Credential& credential, Micros now,
                                              bool reads = true) const;

 private:
  Status LoadGrants(View& view) const;
  Result<std::shared_ptr<const OrganisationGrants>> ReadGrants(const std::string& organisation,
                                                               Micros now,
                                                               Micros* valid_until) const;

  struct CachedGrants {
    uint64_t grants_generation;
    uint64_t accounts_generation;
    Micros built;        // the clock reading they were read at
    Micros valid_until;  // the earliest expiry among them
    std::shared_ptr<const OrganisationGrants> grants;
  };

  store::AccountStore* accounts_;
  store::GrantStore* grants_;
  store::PartitionDirectory* partitions_;
  std::string authority_home_page_;
  mutable std::mutex cache_mu_;
  mutable std::map<std::string, CachedGrants> cache_;  // by organisation
  mutable std::set<std::string> reading_;              // organisations being read
  mutable std::condition_variable cache_read_;         // one was read
};

}  // namespace lrs::consent
