#include "lrs/store/partition_directory.h"

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"

namespace lrs::store {

namespace {
// Numbers reserved per durable counter write.
constexpr uint64_t kReserveBlock = 1024;
// Cached names beyond this are dropped all at once (refilled by reads).
constexpr size_t kMaxCached = 200000;

std::string MappingValue(uint64_t part, std::string_view name) {
  std::string value;
  PutBigEndian64(&value, part);
  value.append(name);
  return value;
}
}  // namespace

void PartitionDirectory::Remember(const std::string& name, uint64_t part) {
  if (committed_.size() >= kMaxCached) committed_.clear();
  committed_[name] = part;
}

Result<std::optional<uint64_t>> PartitionDirectory::Find(std::string_view name) {
  std::string key(name);
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = committed_.find(key); it != committed_.end())
      return std::optional<uint64_t>(it->second);
    generation = generation_;
  }
  auto v = db_->Get(keys::Partition(name));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<uint64_t>();
  uint64_t part = GetBigEndian64(**v);
  std::lock_guard<std::mutex> lock(mu_);
  if (generation == generation_) Remember(key, part);
  return std::optional<uint64_t>(part);
}

Result<uint64_t> PartitionDirectory::Allocate() {
  if (next_ == 0) {
    auto counter = db_->Get(keys::Meta("next_partition"));
    if (!counter.ok()) return counter.status();
    next_ = reserved_until_ = counter->has_value() ? GetBigEndian64(**counter) : 1;
  }
  if (next_ >= reserved_until_) {
    std::string value;
    PutBigEndian64(&value, next_ + kReserveBlock);
    rocksdb::WriteBatch batch;
    batch.Put(keys::Meta("next_partition"), value);
    LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
    reserved_until_ = next_ + kReserveBlock;
  }
  return next_++;
}

Result<PartitionDirectory::Resolved> PartitionDirectory::Resolve(std::string_view name) {
  std::string key(name);
  if (auto it = committed_.find(key); it != committed_.end())
    return Resolved{it->second, Resolved::kStored};
  if (auto it = staged_.find(key); it != staged_.end())
    return Resolved{it->second.part, Resolved::kStaged};
  auto existing = db_->Get(keys::Partition(name));  // created since the caller's Find
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    uint64_t part = GetBigEndian64(**existing);
    Remember(key, part);
    return Resolved{part, Resolved::kStored};
  }
  auto fresh = Allocate();
  if (!fresh.ok()) return fresh.status();
  return Resolved{*fresh, Resolved::kFresh};
}

Result<uint64_t> PartitionDirectory::FindOrCreate(std::string_view name) {
  auto found = Find(name);
  if (!found.ok()) return found.status();
  if (found->has_value()) return **found;

  std::lock_guard<std::mutex> lock(mu_);
  auto r = Resolve(name);
  if (!r.ok()) return r.status();
  if (r->where == Resolved::kStored) return r->part;
  // New, or staged by the statement writer and not committed yet: the same
  // number, made durable here (a staged batch writes the same mapping again).
  rocksdb::WriteBatch batch;
  batch.Put(keys::Partition(name), MappingValue(r->part, name));
  LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
  Remember(std::string(name), r->part);
  return r->part;
}

Result<uint64_t> PartitionDirectory::FindOrStage(std::string_view name, rocksdb::WriteBatch* batch,
                                                 std::vector<std::string>* staged) {
  auto found = Find(name);
  if (!found.ok()) return found.status();
  if (found->has_value()) return **found;

  std::lock_guard<std::mutex> lock(mu_);
  auto r = Resolve(name);
  if (!r.ok()) return r.status();
  if (r->where == Resolved::kStored) return r->part;
  std::string key(name);
  if (r->where == Resolved::kStaged) {
    ++staged_[key].batches;
  } else {
    staged_[key] = {r->part, 1};
  }
  batch->Put(keys::Partition(name), MappingValue(r->part, name));
  staged->push_back(std::move(key));
  return r->part;
}

void PartitionDirectory::Settle(const std::vector<std::string>& staged, bool committed) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& name : staged) {
    auto it = staged_.find(name);
    if (it == staged_.end()) continue;
    // A failed batch leaves its numbers unused unless another batch staged
    // them too; FindOrCreate may have made one durable meanwhile, which Find
    // then reads back.
    if (committed) Remember(name, it->second.part);
    if (committed || --it->second.batches == 0) staged_.erase(it);
  }
}

Status PartitionDirectory::Forget(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  committed_.erase(std::string(name));
  ++generation_;
  rocksdb::WriteBatch batch;
  batch.Delete(keys::Partition(name));
  return db_->WriteDurable(&batch);
}

}  // namespace lrs::store
