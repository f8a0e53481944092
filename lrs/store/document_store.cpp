#include "lrs/store/document_store.h"

#include <boost/json.hpp>

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"

namespace lrs::store {

namespace {

// Value layout: updated(8) content_type_len(4) content_type writer_len(4)
// writer body.
void PutLengthPrefixed(std::string* v, std::string_view s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) v->push_back(static_cast<char>(n >> shift));
  v->append(s);
}

// Reads a length-prefixed string at *pos; false when the record is too short.
bool GetLengthPrefixed(std::string_view v, size_t* pos, std::string* out) {
  if (v.size() < *pos + 4) return false;
  uint32_t n = 0;
  for (size_t i = *pos; i < *pos + 4; ++i) n = (n << 8) | static_cast<uint8_t>(v[i]);
  if (v.size() < *pos + 4 + size_t{n}) return false;
  *out = std::string(v.substr(*pos + 4, n));
  *pos += 4 + n;
  return true;
}

// updated(8) content-type writer activity-id has-registration(1)
// registration body, strings length-prefixed: the scope is kept in clear
// (the key holds only its hashes) so an export can name it.
std::string EncodeDocument(const Document& d, const DocumentScope& scope) {
  std::string v;
  PutBigEndian64(&v, static_cast<uint64_t>(d.updated));
  PutLengthPrefixed(&v, d.content_type);
  PutLengthPrefixed(&v, d.writer);
  PutLengthPrefixed(&v, scope.activity_id);
  v.push_back(scope.registration ? 1 : 0);
  PutLengthPrefixed(&v, scope.registration.value_or(""));
  v.append(d.body);
  return v;
}

// Decodes everything but the body (and so the etag) when `with_body` is
// false; `scope`, when given, receives the activity and registration.
Result<Document> DecodeDocument(std::string_view v, bool with_body = true,
                                DocumentScope* scope = nullptr) {
  Document d;
  size_t pos = 8;
  std::string activity, registration;
  if (v.size() < 8 || !GetLengthPrefixed(v, &pos, &d.content_type) ||
      !GetLengthPrefixed(v, &pos, &d.writer) || !GetLengthPrefixed(v, &pos, &activity) ||
      v.size() < pos + 1) {
    return Status::Internal("corrupt document record");
  }
  bool has_registration = v[pos++] != 0;
  if (!GetLengthPrefixed(v, &pos, &registration))
    return Status::Internal("corrupt document record");
  if (scope) {
    scope->activity_id = std::move(activity);
    scope->registration =
        has_registration ? std::optional<std::string>(std::move(registration)) : std::nullopt;
  }
  d.updated = static_cast<Micros>(GetBigEndian64(v));
  if (with_body) {
    d.body = std::string(v.substr(pos));
    d.etag = Sha1Hex(d.body);
  }
  return d;
}

}  // namespace

Result<std::optional<std::string>> DocumentStore::ScopePrefix(const DocumentScope& scope,
                                                              bool create) {
  uint64_t part = 0;
  if (scope.kind != DocumentKind::kActivityProfile) {
    if (create) {
      auto p = partitions_->FindOrCreate(scope.partition);
      if (!p.ok()) return p.status();
      part = *p;
    } else {
      auto p = partitions_->Find(scope.partition);
      if (!p.ok()) return p.status();
      if (!p->has_value()) return std::optional<std::string>();
      part = **p;
    }
  }
  return std::optional<std::string>(keys::DocumentPrefix(
      part, static_cast<char>(scope.kind), scope.activity_id, scope.registration.value_or("")));
}

std::mutex& DocumentStore::StripeFor(const DocumentScope& scope) {
  // Activity Profile documents ignore the partition, so the lock must too.
  std::string_view partition =
      scope.kind == DocumentKind::kActivityProfile ? std::string_view() : scope.partition;
  std::string h = Sha1(std::string(1, static_cast<char>(scope.kind)) + std::string(partition) +
                       '\n' + scope.activity_id);
  return stripes_[static_cast<uint8_t>(h[0]) % stripes_.size()];
}

Result<Document> DocumentStore::Get(const DocumentScope& scope, std::string_view id) {
  auto prefix = ScopePrefix(scope, false);
  if (!prefix.ok()) return prefix.status();
  if (!prefix->has_value()) return Status::NotFound("no such document");
  auto v = db_->Get(**prefix + std::string(id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("no such document");
  return DecodeDocument(**v);
}

Result<std::vector<DocumentInfo>> DocumentStore::List(const DocumentScope& scope,
                                                      std::optional<Micros> since) {
  std::vector<DocumentInfo> out;
  auto prefix = ScopePrefix(scope, false);
  if (!prefix.ok()) return prefix.status();
  if (!prefix->has_value()) return out;
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(**prefix); it->Valid() && it->key().starts_with(**prefix); it->Next()) {
    auto d = DecodeDocument(std::string_view(it->value().data(), it->value().size()), false);
    if (!d.ok()) return d.status();
    if (since && d->updated <= *since) continue;
    out.push_back(
        {std::string(it->key().data() + (*prefix)->size(), it->key().size() - (*prefix)->size()),
         std::move(d->writer), d->updated});
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

Result<std::vector<std::string>> DocumentStore::ListIds(const DocumentScope& scope,
                                                        std::optional<Micros> since,
                                                        Micros* last_modified) {
  auto docs = List(scope, since);
  if (!docs.ok()) return docs.status();
  std::vector<std::string> ids;
  Micros latest = 0;
  for (auto& d : *docs) {
    latest = std::max(latest, d.updated);
    ids.push_back(std::move(d.id));
  }
  if (last_modified) *last_modified = latest;
  return ids;
}

Result<std::optional<uint64_t>> DocumentStore::PartitionOf(const DocumentScope& scope) {
  if (scope.kind == DocumentKind::kActivityProfile) return std::optional<uint64_t>(0);
  return partitions_->Find(scope.partition);
}

Status DocumentStore::ExportPartition(uint64_t part,
                                      const std::function<Status(const ExportedDocument&)>& fn) {
  rocksdb::ReadOptions options;
  const rocksdb::Snapshot* snapshot = db_->raw()->GetSnapshot();
  options.snapshot = snapshot;
  Status result = Status::Ok();
  auto it = db_->NewIterator(options);
  for (char kind :
       {static_cast<char>(DocumentKind::kState), static_cast<char>(DocumentKind::kAgentProfile)}) {
    std::string prefix(1, 'D');
    PutBigEndian64(&prefix, part);
    prefix.push_back(kind);
    for (it->Seek(prefix); result.ok() && it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      ExportedDocument e;
      e.scope.kind = static_cast<DocumentKind>(kind);
      auto d =
          DecodeDocument(std::string_view(it->value().data(), it->value().size()), true, &e.scope);
      if (!d.ok()) {
        result = d.status();
        break;
      }
      e.document = std::move(*d);
      // key: 'D' part(8) kind(1) hash(16) hash(16) id
      e.id = it->key().ToString().substr(1 + 8 + 1 + 16 + 16);
      result = fn(e);
    }
    if (result.ok()) result = FromRocks(it->status());
  }
  it.reset();
  db_->raw()->ReleaseSnapshot(snapshot);
  return result;
}

Result<uint64_t> DocumentStore::ErasePartition(uint64_t part) {
  // Every stripe, in index order (Update takes one, so no deadlock): a merge
  // that read a document before the erasure must not write it back after.
  std::vector<std::unique_lock<std::mutex>> locks;
  for (auto& m : stripes_) locks.emplace_back(m);
  std::string prefix(1, 'D');
  PutBigEndian64(&prefix, part);
  std::string end(1, 'D');
  PutBigEndian64(&end, part + 1);
  uint64_t count = 0;
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++count;
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  rocksdb::WriteBatch batch;
  batch.DeleteRange(prefix, end);
  LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
  return count;
}

Status DocumentStore::Update(const DocumentScope& scope, std::string_view id,
                             const Decision& decide) {
  std::lock_guard<std::mutex> lock(StripeFor(scope));
  auto prefix = ScopePrefix(scope, true);
  if (!prefix.ok()) return prefix.status();
  std::string key = **prefix + std::string(id);
  auto v = db_->Get(key);
  if (!v.ok()) return v.status();
  std::optional<Document> current;
  if (v->has_value()) {
    auto d = DecodeDocument(**v);
    if (!d.ok()) return d.status();
    current = std::move(*d);
  }
  auto next = decide(current);
  if (!next.ok()) return next.status();
  rocksdb::WriteBatch batch;
  if (next->has_value()) {
    Document& d = **next;
    d.updated = NowMicros();
    batch.Put(key, EncodeDocument(d, scope));
  } else {
    if (!current) return Status::Ok();
    batch.Delete(key);
  }
  return db_->WriteDurable(&batch);
}

Status DocumentStore::DeleteAll(const DocumentScope& scope,
                                const std::function<bool(const DocumentInfo&)>& may_delete) {
  std::lock_guard<std::mutex> lock(StripeFor(scope));
  auto prefix = ScopePrefix(scope, false);
  if (!prefix.ok()) return prefix.status();
  if (!prefix->has_value()) return Status::Ok();
  rocksdb::WriteBatch batch;
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(**prefix); it->Valid() && it->key().starts_with(**prefix); it->Next()) {
    if (may_delete) {
      auto d = DecodeDocument(std::string_view(it->value().data(), it->value().size()), false);
      if (!d.ok()) return d.status();
      DocumentInfo info{
          std::string(it->key().data() + (*prefix)->size(), it->key().size() - (*prefix)->size()),
          d->writer, d->updated};
      if (!may_delete(info)) continue;
    }
    batch.Delete(it->key());
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  if (batch.Count() == 0) return Status::Ok();
  return db_->WriteDurable(&batch);
}

}  // namespace lrs::store
