#include "lrs/consent/audit.h"

namespace lrs::consent {

boost::json::object AuditEntryToJson(const store::AuditEntry& e) {
  return {{"time", FormatTimestampMillis(e.time)},
          {"organisation", e.organisation},
          {"credential", e.credential_key},
          {"method", e.method},
          {"request", e.request},
          {"kind", e.kind},
          {"returned", e.returned}};
}


Status AuditTrail::Commit(store::AuditStore* audit, const std::string& credential_key, std::string method,
                          std::string request) const {
  std::map<std::string, uint64_t> by_learner;
  for (const auto& [part, n] : counts_) {
    auto owner = view_.AuditedOwner(part);
    if (!owner.ok()) return owner.status();
    if (*owner) by_learner[**owner] += n;
  }
  if (by_learner.empty()) return Status::Ok();
  std::vector<std::pair<std::string, store::AuditEntry>> entries;
  Micros now = NowMicros();
  for (const auto& [learner, n] : by_learner) {
    store::AuditEntry e;
    e.time = now;
    e.organisation = view_.AuditName();
    e.credential_key = credential_key;
    e.method = method;
    e.request = request;
    e.kind = kind_;
    e.returned = n;
    entries.emplace_back(learner, std::move(e));
  }
  return audit->Append(entries);
}

}  // namespace lrs::consent
