#include "lrs/store/document_store.h"

#include <boost/json.hpp>

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"

namespace lrs::store {

namespace {

// Value layout: updated(8) content_type_len(4) content_type body.
std::string EncodeDocument(const Document& d) {
  std::string v;
  PutBigEndian64(&v, static_cast<uint64_t>(d.updated));
  uint32_t n = static_cast<uint32_t>(d.content_type.size());
  for (int shift = 24; shift >= 0; shift -= 8) v.push_back(static_cast<char>(n >> shift));
  v.append(d.content_type);
  v.append(d.body);
  return v;
}

Result<Document> DecodeDocument(std::string_view v) {
  if (v.size() < 12) return Status::Internal("corrupt document record");
  Document d;
  d.updated = static_cast<Micros>(GetBigEndian64(v));
  uint32_t n = 0;
  for (int i = 8; i < 12; ++i) n = (n << 8) | static_cast<uint8_t>(v[i]);
  if (v.size() < 12 + size_t{n}) return Status::Internal("corrupt document record");
  d.content_type = std::string(v.substr(12, n));
  d.body = std::string(v.substr(12 + n));
  d.etag = Sha1Hex(d.body);
  return d;
}

}  // namespace

Result<std::optional<std::string>> DocumentStore::ScopePrefix(const DocumentScope& scope, bool create) {
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
  std::string h = Sha1(std::string(1, static_cast<char>(scope.kind)) + std::string(partition) + '\n' +
                       scope.activity_id);
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

Result<std::vector<std::string>> DocumentStore::ListIds(const DocumentScope& scope,
                                                        std::optional<Micros> since,
                                                        Micros* last_modified) {
  std::vector<std::string> ids;
  Micros latest = 0;
  auto prefix = ScopePrefix(scope, false);
  if (!prefix.ok()) return prefix.status();
  if (!prefix->has_value()) return ids;
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(**prefix); it->Valid() && it->key().starts_with(**prefix); it->Next()) {
    std::string_view value(it->value().data(), it->value().size());
    if (value.size() < 8) return Status::Internal("corrupt document record");
    Micros updated = static_cast<Micros>(GetBigEndian64(value));
    if (since && updated <= *since) continue;
    latest = std::max(latest, updated);
    ids.emplace_back(it->key().data() + (*prefix)->size(), it->key().size() - (*prefix)->size());
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  if (last_modified) *last_modified = latest;
  return ids;
}

Status DocumentStore::Update(const DocumentScope& scope, std::string_view id, const Decision& decide) {
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
    batch.Put(key, EncodeDocument(d));
  } else {
    if (!current) return Status::Ok();
    batch.Delete(key);
  }
  return db_->WriteDurable(&batch);
}

Status DocumentStore::DeleteAll(const DocumentScope& scope) {
  std::lock_guard<std::mutex> lock(StripeFor(scope));
  auto prefix = ScopePrefix(scope, false);
  if (!prefix.ok()) return prefix.status();
  if (!prefix->has_value()) return Status::Ok();
  rocksdb::WriteBatch batch;
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(**prefix); it->Valid() && it->key().starts_with(**prefix); it->Next()) {
    batch.Delete(it->key());
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  if (batch.Count() == 0) return Status::Ok();
  return db_->WriteDurable(&batch);
}

}  // namespace lrs::store
