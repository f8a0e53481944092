#include "lrs/consent/erasure.h"

namespace lrs::consent {

Result<ErasureCounts> Erasure::EraseLearner(std::string_view learner_id, const Requester& by) {
  auto learner = s_.accounts->BeginErasure(learner_id);
  if (!learner.ok()) return learner.status();
  return Finish(*learner, by);
}

Status Erasure::ResumePending() {
  auto pending = s_.accounts->PendingErasures();
  if (!pending.ok()) return pending.status();
  for (const auto& learner : *pending) {
    auto done = Finish(learner, {"operator", "(resumed at start)"});
    if (!done.ok()) return done.status();
  }
  return Status::Ok();
}

// BeginErasure already cut the learner off from every read; grants go
// first, and again last for one made by a request that raced the start.
// Every step is idempotent, so a crash anywhere is finished by ResumePending.
Result<ErasureCounts> Erasure::Finish(const store::Learner& learner, const Requester& by) {
  LRS_RETURN_IF_ERROR(s_.grants->EraseLearner(learner.id));
  std::vector<uint64_t> parts;
  for (const auto& identity : learner.identities) parts.push_back(identity.partition);
  ErasureCounts counts;
  auto statements = s_.statements->ErasePartitions(parts);
  if (!statements.ok()) return statements.status();
  counts.statements = *statements;
  for (uint64_t part : parts) {
    auto documents = s_.documents->ErasePartition(part);
    if (!documents.ok()) return documents.status();
    counts.documents += *documents;
  }
  if (!learner.credential_key.empty()) LRS_RETURN_IF_ERROR(s_.credentials->Delete(learner.credential_key));
  for (const auto& identity : learner.identities) LRS_RETURN_IF_ERROR(s_.partitions->Forget(identity.ifi_key));
  LRS_RETURN_IF_ERROR(s_.grants->EraseLearner(learner.id));
  store::AuditEntry erased;
  erased.time = NowMicros();
  erased.organisation = by.who;
  erased.credential_key = by.credential_key;
  erased.method = "DELETE";
  erased.request = by.who == "learner" ? "/me" : "/admin/learners/" + learner.id;
  erased.kind = "erasure";
  erased.returned = counts.statements + counts.documents;
  LRS_RETURN_IF_ERROR(s_.audit->ReplaceAll(learner.id, erased));
  LRS_RETURN_IF_ERROR(s_.accounts->FinishErasure(learner.id, counts.statements, counts.documents));
  return counts;
}

}  // namespace lrs::consent
