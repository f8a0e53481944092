// AuditTrail: what one response returns of whose record, written to the
// audit log before the response leaves (docs/CONSENT.md, "The audit log").
//
// A handler counts each record it is about to return by partition, then
// calls Commit: the partitions' owners are resolved through the request's
// View (the learner's own reads are not audited), entries are aggregated per
// learner and appended in one durable write. If Commit fails, the handler
// must fail the request and return nothing.
#pragma once

#include <map>
#include <string>

#include "lrs/base/status.h"
#include "lrs/consent/read_rule.h"
#include "lrs/store/audit_store.h"

namespace lrs::consent {

// An entry as the learner sees it (GET /me/audit, bundles).
boost::json::object AuditEntryToJson(const store::AuditEntry& entry);

class AuditTrail {
 public:
  AuditTrail(const View& view, std::string kind) : view_(view), kind_(std::move(kind)) {}

  void Count(uint64_t part, uint64_t n = 1) { counts_[part] += n; }

  // `method` and `request` (path with query) describe the request.
  Status Commit(store::AuditStore* audit, const std::string& credential_key, std::string method,
                std::string request) const;

 private:
  const View& view_;
  std::string kind_;
  std::map<uint64_t, uint64_t> counts_;
};

}  // namespace lrs::consent
