// RocksStatementStore::ErasePartition: removes one partition's statements
// with every index entry that names them. It runs alone at the front of the
// writer queue, so no group is staging against what it deletes.
#include <boost/json.hpp>

#include "lrs/base/json.h"
#include "lrs/store/keys.h"
#include "lrs/store/rocks_statement_store.h"
#include "lrs/store/statement_stager.h"

namespace lrs::store {

namespace {

constexpr size_t kStatementsPerBatch = 1000;

std::string NextPrefix(std::string prefix) {
  // The smallest key after every key starting with `prefix` (prefixes here
  // end in a partition number, never in 0xff bytes only).
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

Result<uint64_t> RocksStatementStore::ErasePartition(uint64_t part) {
  std::string prefix = keys::Statement(part, 0).substr(0, 9);
  uint64_t erased = 0;
  rocksdb::WriteBatch batch;
  size_t in_batch = 0;
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    uint64_t seq = GetBigEndian64(std::string_view(it->key().data() + 9, 8));
    auto parsed = ParseJson(std::string_view(it->value().data(), it->value().size()), "stored statement");
    if (!parsed.ok() || !parsed->is_object()) return Status::Internal("erasure: a stored statement is not JSON");
    const auto& statement = parsed->get_object();
    auto id = ParseUuid(statement.at("id").as_string());
    if (!id) return Status::Internal("erasure: a stored statement has no id");
    batch.Delete(it->key());
    batch.Delete(keys::IdIndex(*id));
    batch.Delete(keys::StoredOrder(seq));
    auto terms = db_->Get(keys::Terms(*id));
    if (!terms.ok()) return terms.status();
    if (terms->has_value()) {
      for (size_t i = 0; i + keys::kTermIdSize <= (*terms)->size(); i += keys::kTermIdSize) {
        batch.Delete(keys::TermIndex(std::string_view(**terms).substr(i, keys::kTermIdSize), seq));
      }
    }
    batch.Delete(keys::Terms(*id));
    batch.Delete(keys::Voided(*id));
    if (auto target = StatementRefTarget(statement)) batch.Delete(keys::RefTarget(*target, *id));
    LRS_RETURN_IF_ERROR(IndexScoped(&partitions_, statement, part, seq, *id, /*put=*/false, &batch));
    ++erased;
    if (++in_batch == kStatementsPerBatch) {
      LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
      batch.Clear();
      in_batch = 0;
    }
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  // What is keyed by the partition itself goes by range.
  for (std::string p : {keys::AttachmentPrefix(part), keys::ScopedOrderPrefix(part),
                        std::string(1, 'Y') + keys::ScopedOrderPrefix(part).substr(1)}) {
    batch.DeleteRange(p, NextPrefix(p));
  }
  LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
  return erased;
}

}  // namespace lrs::store
