// BundleWriter: see bundle.h for the layout it writes.
#include <cstdio>

#include "lrs/base/encoding.h"
#include "lrs/portability/bundle.h"
#include "lrs/portability/bundle_layout.h"

namespace lrs::portability {

namespace json = boost::json;

BundleWriter::BundleWriter(ByteSink* sink, const StoreKey* key, Micros created)
    : tar_(sink, created / 1000000), key_(key), created_(created) {}

Status BundleWriter::Enter(Phase phase) {
  if (phase < phase_ || phase_ == Phase::kNew || phase_ == Phase::kDone) {
    return Status::InvalidArgument("bundle writer: called out of order");
  }
  if (phase != phase_) {
    LRS_RETURN_IF_ERROR(FlushLines());
    phase_ = phase;
    chunk_number_ = 0;
  }
  return Status::Ok();
}

Status BundleWriter::AddMember(const std::string& path, std::string_view content) {
  LRS_RETURN_IF_ERROR(tar_.Add(std::string(layout::kRoot) + path, content));
  std::string sha = Sha256Hex(content);
  if (path.starts_with("data/")) bagit_manifest_ += sha + "  " + path + "\n";
  members_.push_back(json::object{{"path", path}, {"size", content.size()}, {"sha256", sha}});
  return Status::Ok();
}

Status BundleWriter::AddLine(std::string_view line, const char* folder) {
  if (!lines_.empty() && lines_.size() + line.size() + 1 > layout::kChunkBytes) {
    LRS_RETURN_IF_ERROR(FlushLines());
  }
  lines_folder_ = folder;
  lines_.append(line);
  lines_.push_back('\n');
  return Status::Ok();
}

Status BundleWriter::FlushLines() {
  if (lines_.empty()) return Status::Ok();
  LRS_RETURN_IF_ERROR(
      AddMember(layout::NumberedMember(lines_folder_, ++chunk_number_, ".jsonl"), lines_));
  lines_.clear();
  return Status::Ok();
}

Status BundleWriter::Begin(const json::object& learner, const json::array& identities) {
  if (phase_ != Phase::kNew) return Status::InvalidArgument("bundle writer: Begin called twice");
  LRS_RETURN_IF_ERROR(AddMember("bagit.txt", layout::kBagitText));
  LRS_RETURN_IF_ERROR(AddMember(std::string(layout::kIdentities), json::serialize(identities)));
  counts_.identities = identities.size();
  learner_ = learner;
  phase_ = Phase::kAttachments;
  return Status::Ok();
}

Status BundleWriter::AddAttachment(std::string_view sha2_hex, std::string_view content) {
  LRS_RETURN_IF_ERROR(Enter(Phase::kAttachments));
  ++counts_.attachments;
  return AddMember(std::string(layout::kAttachments) + std::string(sha2_hex), content);
}

Status BundleWriter::AddStatement(std::string_view statement_json, std::string_view provenance_json,
                                  const std::optional<std::string>& voided_by) {
  LRS_RETURN_IF_ERROR(Enter(Phase::kStatements));
  // Built as text: the stored statement is already serialized JSON, and an
  // export of a million statements should not parse and print each twice.
  std::string line = "{\"statement\":";
  line.append(statement_json);
  line.append(",\"provenance\":");
  line.append(provenance_json.empty() ? std::string_view("[]") : provenance_json);
  if (voided_by) {
    line.append(",\"voidedBy\":\"").append(*voided_by).append("\"");
    ++counts_.voided;
  }
  line.push_back('}');
  ++counts_.statements;
  return AddLine(line, "statements");
}

Status BundleWriter::AddDocument(const DocumentEntry& d) {
  LRS_RETURN_IF_ERROR(Enter(Phase::kDocuments));
  uint64_t n = ++document_number_;
  json::object meta{{"type", d.type == DocumentType::kState ? "state" : "agentProfile"},
                    {"agent", d.agent},
                    {"id", d.id},
                    {"contentType", d.content_type},
                    {"updated", FormatTimestampMillis(d.updated)}};
  if (d.type == DocumentType::kState) {
    meta["activityId"] = d.activity_id;
    if (d.registration) meta["registration"] = *d.registration;
  }
  LRS_RETURN_IF_ERROR(
      AddMember(layout::NumberedMember("documents", n, ".json"), json::serialize(meta)));
  ++counts_.documents;
  return AddMember(layout::NumberedMember("documents", n, ".content"), d.content);
}

Status BundleWriter::AddAuditEntry(const json::object& entry) {
  LRS_RETURN_IF_ERROR(Enter(Phase::kAudit));
  ++counts_.audit_entries;
  return AddLine(json::serialize(entry), "audit");
}

Status BundleWriter::Finish() {
  if (phase_ == Phase::kNew || phase_ == Phase::kDone) {
    return Status::InvalidArgument("bundle writer: Finish without Begin, or twice");
  }
  LRS_RETURN_IF_ERROR(FlushLines());
  phase_ = Phase::kDone;
  LRS_RETURN_IF_ERROR(AddMember(std::string(layout::kBagitManifest), bagit_manifest_));
  json::object manifest{
      {"format", kBundleFormat},
      {"version", kBundleVersion},
      {"created", FormatTimestampMillis(created_)},
      {"learner", learner_},
      {"source", json::object{{"storeId", key_->KeyId()}, {"key", key_->PublicJwk()}}},
      {"counts", layout::CountsToJson(counts_)},
      {"members", std::move(members_)}};
  std::string text = json::serialize(manifest);
  LRS_RETURN_IF_ERROR(tar_.Add(std::string(layout::kRoot) + std::string(layout::kManifest), text));
  std::string jws = SignDetached(*key_, text, kManifestJwsType);
  LRS_RETURN_IF_ERROR(tar_.Add(std::string(layout::kRoot) + std::string(layout::kSignature), jws));
  return tar_.Finish();
}

}  // namespace lrs::portability
