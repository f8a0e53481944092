#include "lrs/store/audit_store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "lrs/store/keys.h"
#include "lrs/store/records.h"

namespace lrs::store {

namespace json = boost::json;

namespace {

std::string EntryJson(const AuditEntry& e) {
  return json::serialize(json::object{{"time", e.time},
                                      {"organisation", e.organisation},
                                      {"credential_key", e.credential_key},
                                      {"method", e.method},
                                      {"request", e.request},
                                      {"kind", e.kind},
                                      {"returned", e.returned}});
}

Result<AuditEntry> ParseEntry(std::string_view text, uint64_t seq) {
  auto o = records::Parse(text, "audit");
  if (!o.ok()) return o.status();
  records::Reader r(*o);
  AuditEntry e{.time = r.Int("time"),
               .organisation = r.String("organisation"),
               .credential_key = r.String("credential_key"),
               .method = r.String("method"),
               .request = r.String("request"),
               .kind = r.String("kind"),
               .returned = r.Uint("returned"),
               .seq = seq};
  if (!r.ok()) return Status::Internal("corrupt audit record");
  return e;
}

// Learners remembered as read (the set is dropped whole beyond this).
constexpr size_t kMaxChecked = 1'000'000;

}  // namespace

Result<uint64_t> AuditStore::LastSeq(std::string_view learner) {
  std::string prefix = keys::AuditPrefix(learner);
  std::string end = records::PrefixEnd(prefix);
  rocksdb::Slice lower(prefix);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower;
  auto it = db_->NewIterator(ro);
  it->SeekForPrev(end);
  if (!it->status().ok()) return FromRocks(it->status());
  if (!it->Valid() || it->key().size() != prefix.size() + 8) return uint64_t{0};
  return GetBigEndian64(it->key().ToStringView().substr(prefix.size()));
}

Status AuditStore::StageAll(rocksdb::WriteBatch* batch,
                            const std::vector<std::pair<std::string, AuditEntry>>& entries) {
  std::map<std::string_view, uint64_t> newest;  // per learner: one read per call
  std::lock_guard lock(mu_);
  for (const auto& [learner, entry] : entries) {
    auto [it, fresh] = newest.try_emplace(learner, 0);
    // A learner's newest entry is read once per process: after that,
    // last_seq_ is past it for good.
    if (fresh && !checked_.contains(std::string(learner))) {
      auto last = LastSeq(learner);
      if (!last.ok()) return last.status();
      it->second = *last;
      if (checked_.size() >= kMaxChecked) checked_.clear();
      checked_.emplace(learner);
    }
    uint64_t now = static_cast<uint64_t>(std::max<Micros>(NowMicros(), 0));
    last_seq_ = std::max({now, last_seq_ + 1, it->second + 1});
    it->second = last_seq_;
    AuditEntry e = entry;
    if (e.time == 0) e.time = NowMicros();
    batch->Put(keys::Audit(learner, last_seq_), EntryJson(e));
  }
  return Status::Ok();
}

Status AuditStore::Append(const std::vector<std::pair<std::string, AuditEntry>>& entries) {
  rocksdb::WriteBatch batch;
  LRS_RETURN_IF_ERROR(StageAll(&batch, entries));
  if (batch.Count() == 0) return Status::Ok();
  return db_->WriteDurable(&batch);
}

Result<std::vector<AuditEntry>> AuditStore::List(std::string_view learner,
                                                 std::optional<uint64_t> before, size_t limit) {
  std::string prefix = keys::AuditPrefix(learner);
  std::string upper = before ? keys::Audit(learner, *before) : records::PrefixEnd(prefix);
  rocksdb::Slice lower(prefix);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower;
  auto it = db_->NewIterator(ro);
  it->SeekForPrev(upper);
  if (it->Valid() && it->key().compare(rocksdb::Slice(upper)) >= 0) it->Prev();  // exclusive
  std::vector<AuditEntry> out;
  for (; it->Valid() && out.size() < limit; it->Prev()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8) return Status::Internal("corrupt audit key");
    auto e = ParseEntry(it->value().ToStringView(), GetBigEndian64(key.substr(prefix.size())));
    if (!e.ok()) return e.status();
    out.push_back(std::move(*e));
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

Status AuditStore::ForEach(std::string_view learner,
                           const std::function<Status(const AuditEntry&)>& fn) {
  std::string prefix = keys::AuditPrefix(learner);
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8) return Status::Internal("corrupt audit key");
    auto e = ParseEntry(it->value().ToStringView(), GetBigEndian64(key.substr(prefix.size())));
    if (!e.ok()) return e.status();
    LRS_RETURN_IF_ERROR(fn(*e));
  }
  return FromRocks(it->status());
}

Status AuditStore::ReplaceAll(std::string_view learner, const AuditEntry& last) {
  std::string prefix = keys::AuditPrefix(learner);
  rocksdb::WriteBatch batch;
  // Later operations of a batch win over earlier ones, so `last` survives
  // the range deletion it follows.
  batch.DeleteRange(prefix, records::PrefixEnd(prefix));
  LRS_RETURN_IF_ERROR(StageAll(&batch, {{std::string(learner), last}}));
  return db_->WriteDurable(&batch);
}

}  // namespace lrs::store
