// RocksStatementStore's reads for exports (lrs/portability): a learner's
// partitions in stored order from one snapshot, their attachments, and
// Find. Kept apart from the query path: an export walks whole partitions
// and needs what queries never show (voided statements, provenance).
#include <boost/json.hpp>
#include <set>

#include "lrs/base/json.h"
#include "lrs/store/keys.h"
#include "lrs/store/rocks_statement_store.h"

namespace lrs::store {

namespace {

// Releases the snapshot when the export ends, however it ends.
class SnapshotReads {
 public:
  explicit SnapshotReads(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~SnapshotReads() { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::ReadOptions& options() const { return options_; }

  Result<std::optional<std::string>> Get(const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(options_, key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s);
    return std::optional<std::string>(std::move(value));
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

Result<ExportedStatement> ReadExported(SnapshotReads& reads, uint64_t seq, std::string json) {
  ExportedStatement e{seq, std::move(json), std::nullopt, ""};
  auto parsed = ParseJson(e.json, "stored statement");
  if (!parsed.ok() || !parsed->is_object())
    return Status::Internal("stored statement is not a JSON object");
  const auto* id_value = parsed->get_object().if_contains("id");
  auto id = id_value && id_value->is_string() ? ParseUuid(id_value->get_string()) : std::nullopt;
  if (!id) return Status::Internal("stored statement has no id");
  auto loc = reads.Get(keys::IdIndex(*id));
  if (!loc.ok()) return loc.status();
  bool voiding = loc->has_value() && keys::ParseLocation(**loc).voiding;
  auto marker = reads.Get(keys::Voided(*id));
  if (!marker.ok()) return marker.status();
  // As in Get: a voiding statement is never voided.
  if (marker->has_value() && !voiding && (*marker)->size() >= 16) {
    Uuid by;
    std::copy((*marker)->begin(), (*marker)->begin() + 16, by.begin());
    e.voided_by = by;
  }
  auto provenance = reads.Get(keys::Provenance(*id));
  if (!provenance.ok()) return provenance.status();
  if (provenance->has_value()) e.provenance = std::move(**provenance);
  return e;
}

Status ExportAttachments(Database* db, const SnapshotReads& reads,
                         const std::vector<uint64_t>& parts,
                         const std::function<Status(const AttachmentContent&)>& fn) {
  std::set<std::string> seen;
  for (uint64_t part : std::set<uint64_t>(parts.begin(), parts.end())) {
    std::string prefix = keys::AttachmentPrefix(part);
    auto it = db->NewIterator(reads.options());
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string sha2 = HexEncode(
          std::string_view(it->key().data() + prefix.size(), it->key().size() - prefix.size()));
      if (!seen.insert(sha2).second) continue;
      LRS_RETURN_IF_ERROR(fn(AttachmentContent{sha2, it->value().ToString()}));
    }
    LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  }
  return Status::Ok();
}

}  // namespace

Status RocksStatementStore::ExportPartitions(
    const std::vector<uint64_t>& parts,
    const std::function<Status(const AttachmentContent&)>& on_attachment,
    const std::function<Status(const ExportedStatement&)>& on_statement) {
  SnapshotReads reads(db_->raw());
  LRS_RETURN_IF_ERROR(ExportAttachments(db_, reads, parts, on_attachment));
  // One cursor per partition; each step takes the lowest sequence number.
  struct Cursor {
    std::unique_ptr<rocksdb::Iterator> it;
    std::string prefix;
    bool valid() const { return it->Valid() && it->key().starts_with(prefix); }
    uint64_t seq() const { return GetBigEndian64(std::string_view(it->key().data() + 9, 8)); }
  };
  std::vector<Cursor> cursors;
  for (uint64_t part : std::set<uint64_t>(parts.begin(), parts.end())) {
    Cursor c{db_->NewIterator(reads.options()), keys::Statement(part, 0).substr(0, 9)};
    c.it->Seek(c.prefix);
    cursors.push_back(std::move(c));
  }
  while (true) {
    Cursor* next = nullptr;
    for (auto& c : cursors) {
      if (c.valid() && (!next || c.seq() < next->seq())) next = &c;
    }
    if (!next) break;
    auto e = ReadExported(reads, next->seq(), next->it->value().ToString());
    if (!e.ok()) return e.status();
    LRS_RETURN_IF_ERROR(on_statement(*e));
    next->it->Next();
  }
  for (auto& c : cursors) LRS_RETURN_IF_ERROR(FromRocks(c.it->status()));
  return Status::Ok();
}

Result<std::optional<StoredStatement>> RocksStatementStore::Find(const Uuid& id,
                                                                 std::string* provenance) {
  auto loc = db_->Get(keys::IdIndex(id));
  if (!loc.ok()) return loc.status();
  if (!loc->has_value()) return std::optional<StoredStatement>();
  if (provenance) {
    auto p = db_->Get(keys::Provenance(id));
    if (!p.ok()) return p.status();
    *provenance = p->value_or("");
  }
  auto where = keys::ParseLocation(**loc);
  auto body = db_->Get(keys::Statement(where.part, where.seq));
  if (!body.ok()) return body.status();
  if (!body->has_value()) return Status::Internal("id index points at a missing statement");
  return std::optional<StoredStatement>(StoredStatement{where.seq, where.part, std::move(**body)});
}

Status RocksStatementStore::PutAttachment(const std::string& partition,
                                          const AttachmentContent& attachment) {
  auto raw = HexDecode(attachment.sha2);
  if (!raw || (raw->size() != 32 && raw->size() != 48 && raw->size() != 64)) {
    return Status::InvalidArgument("attachment sha2: not a SHA-256, SHA-384 or SHA-512 digest");
  }
  auto part = partitions_.FindOrCreate(partition);
  if (!part.ok()) return part.status();
  rocksdb::WriteBatch batch;
  batch.Put(keys::Attachment(*part, *raw), attachment.content);
  return db_->WriteDurable(&batch);
}

}  // namespace lrs::store
