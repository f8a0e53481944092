#include "lrs/store/partition_directory.h"

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"

namespace lrs::store {

Result<std::optional<uint64_t>> PartitionDirectory::Find(std::string_view name) {
  auto v = db_->Get(keys::Partition(name));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(GetBigEndian64(**v));
}

Result<uint64_t> PartitionDirectory::FindOrCreate(std::string_view name) {
  auto found = Find(name);
  if (!found.ok()) return found.status();
  if (found->has_value()) return **found;

  std::lock_guard<std::mutex> lock(create_mu_);
  found = Find(name);  // another thread may have created it meanwhile
  if (!found.ok()) return found.status();
  if (found->has_value()) return **found;
  auto last = db_->Get(keys::Meta("next_partition"));
  if (!last.ok()) return last.status();
  uint64_t id = last->has_value() ? GetBigEndian64(**last) : 1;
  std::string next, value;
  PutBigEndian64(&next, id + 1);
  PutBigEndian64(&value, id);
  value.append(name);
  rocksdb::WriteBatch batch;
  batch.Put(keys::Meta("next_partition"), next);
  batch.Put(keys::Partition(name), value);
  LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
  return id;
}

Status PartitionDirectory::Forget(std::string_view name) {
  std::lock_guard<std::mutex> lock(create_mu_);
  rocksdb::WriteBatch batch;
  batch.Delete(keys::Partition(name));
  return db_->WriteDurable(&batch);
}

}  // namespace lrs::store
