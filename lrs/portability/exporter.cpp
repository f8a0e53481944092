#include "lrs/portability/exporter.h"

#include "lrs/base/clock.h"
#include "lrs/consent/audit.h"
#include "lrs/portability/bundle.h"

namespace lrs::portability {

namespace json = boost::json;

namespace {

Result<store::Learner> LiveLearner(const RecordStores& stores, std::string_view learner_id) {
  auto learner = stores.accounts->GetLearner(learner_id);
  if (!learner.ok()) return learner.status();
  if (learner->erased || learner->erasing) return Status::NotFound("learner: not found");
  return learner;
}

Status WriteDocuments(const RecordStores& stores, const store::Learner& learner,
                      BundleWriter& writer) {
  for (const auto& identity : learner.identities) {
    LRS_RETURN_IF_ERROR(stores.documents->ExportPartition(
        identity.partition, [&](const store::ExportedDocument& e) {
          DocumentEntry d;
          d.type = e.scope.kind == store::DocumentKind::kState ? DocumentType::kState
                                                               : DocumentType::kAgentProfile;
          d.agent = identity.agent;
          d.activity_id = e.scope.activity_id;
          d.registration = e.scope.registration;
          d.id = e.id;
          d.content_type = e.document.content_type;
          d.updated = e.document.updated;
          d.content = e.document.body;
          return writer.AddDocument(d);
        }));
  }
  return Status::Ok();
}

}  // namespace

Status CheckExportable(const RecordStores& stores, std::string_view learner_id) {
  return LiveLearner(stores, learner_id).status();
}

Status ExportLearner(const RecordStores& stores, const StoreKey& key, std::string_view learner_id,
                     ByteSink* sink) {
  auto learner = LiveLearner(stores, learner_id);
  if (!learner.ok()) return learner.status();
  std::vector<uint64_t> parts;
  json::array identities;
  for (const auto& identity : learner->identities) {
    parts.push_back(identity.partition);
    identities.push_back(identity.agent);
  }
  BundleWriter writer(sink, &key, NowMicros());
  LRS_RETURN_IF_ERROR(
      writer.Begin(json::object{{"id", learner->id}, {"name", learner->name}}, identities));
  LRS_RETURN_IF_ERROR(stores.statements->ExportPartitions(
      parts, [&](const store::AttachmentContent& a) { return writer.AddAttachment(a.sha2, a.content); },
      [&](const store::ExportedStatement& s) {
        std::optional<std::string> voided_by;
        if (s.voided_by) voided_by = FormatUuid(*s.voided_by);
        return writer.AddStatement(s.json, s.provenance, voided_by);
      }));
  LRS_RETURN_IF_ERROR(WriteDocuments(stores, *learner, writer));
  LRS_RETURN_IF_ERROR(stores.audit->ForEach(learner->id, [&](const store::AuditEntry& e) {
    return writer.AddAuditEntry(consent::AuditEntryToJson(e));
  }));
  return writer.Finish();
}

}  // namespace lrs::portability
