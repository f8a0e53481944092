// RocksStatementStore::ErasePartition: removes one partition's statements
// with every index entry that names them. It runs alone at the front of the
// writer queue, so no group is staging against what it deletes.
#include <boost/json.hpp>

#include "lrs/base/json.h"
#include "lrs/store/keys.h"
#include "lrs/store/rocks_statement_store.h"
#include "lrs/store/statement_stager.h"
#include "lrs/xapi/terms.h"

namespace lrs::store {

namespace {

constexpr size_t kStatementsPerBatch = 1000;

// A statement's own term ids, concatenated.
std::string OwnTerms(const boost::json::object& statement) {
  std::string terms;
  for (const auto& t : xapi::ExtractTerms(boost::json::value(statement))) terms += keys::TermId(t);
  return terms;
}

bool HasTerm(std::string_view terms, std::string_view term) {
  for (size_t i = 0; i + keys::kTermIdSize <= terms.size(); i += keys::kTermIdSize) {
    if (terms.substr(i, keys::kTermIdSize) == term) return true;
  }
  return false;
}

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
    auto parsed =
        ParseJson(std::string_view(it->value().data(), it->value().size()), "stored statement");
    if (!parsed.ok() || !parsed->is_object())
      return Status::Internal("erasure: a stored statement is not JSON");
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
    batch.Delete(keys::PartitionTerms(*id));
    batch.Delete(keys::Voided(*id));
    batch.Delete(keys::Provenance(*id));
    if (auto target = StatementRefTarget(statement)) batch.Delete(keys::RefTarget(*target, *id));
    // Statements elsewhere that reference this one stop matching its terms,
    // in the same batch, so a crash cannot leave them behind.
    LRS_RETURN_IF_ERROR(Unreference(*id, part, &batch));
    // The partition's own 'Q' and 'Y' ranges go below, by range; this removes
    // the authority scope's entries.
    auto scope = AuthorityScopeOf(&partitions_, statement);
    if (!scope.ok()) return scope.status();
    IndexScoped({part, seq, *id, "", OwnTermIds(statement), *scope}, /*put=*/false, &batch);
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

// Drops `target`'s reference records and takes its terms back from the
// statements outside `erasing` that reference it.
Status RocksStatementStore::Unreference(const Uuid& target, uint64_t erasing,
                                        rocksdb::WriteBatch* batch) {
  std::string prefix = keys::RefTargetPrefix(target);
  auto refs = db_->NewIterator(rocksdb::ReadOptions());
  for (refs->Seek(prefix); refs->Valid() && refs->key().starts_with(prefix); refs->Next()) {
    Uuid referrer;
    std::copy(refs->key().data() + prefix.size(), refs->key().data() + refs->key().size(),
              referrer.begin());
    LRS_RETURN_IF_ERROR(Reterm(referrer, "", erasing, batch, 0));
    batch->Delete(refs->key());
  }
  return FromRocks(refs->status());
}

// Gives `referrer` its own terms plus `inherited` (its target's, now) in the
// global index, dropping the rest, and so on down the chain of references.
Status RocksStatementStore::Reterm(const Uuid& referrer, const std::string& inherited,
                                   uint64_t erasing, rocksdb::WriteBatch* batch, int depth) {
  constexpr int kMaxDepth = 16;  // as the stager's propagation
  if (depth >= kMaxDepth) return Status::Ok();
  auto loc = db_->Get(keys::IdIndex(referrer));
  if (!loc.ok()) return loc.status();
  if (!loc->has_value()) return Status::Ok();  // erased itself
  auto where = keys::ParseLocation(**loc);
  if (where.part == erasing) return Status::Ok();  // goes with its partition
  auto body = db_->Get(keys::Statement(where.part, where.seq));
  if (!body.ok()) return body.status();
  auto old_terms = db_->Get(keys::Terms(referrer));
  if (!old_terms.ok()) return old_terms.status();
  if (!body->has_value() || !old_terms->has_value()) return Status::Ok();
  auto parsed = ParseJson(**body, "stored statement");
  if (!parsed.ok() || !parsed->is_object())
    return Status::Internal("a stored statement is not JSON");
  std::string terms = OwnTerms(parsed->get_object());
  for (size_t i = 0; i + keys::kTermIdSize <= inherited.size(); i += keys::kTermIdSize) {
    std::string_view t = std::string_view(inherited).substr(i, keys::kTermIdSize);
    if (!HasTerm(terms, t)) terms.append(t);
  }
  const std::string& old = **old_terms;
  for (size_t i = 0; i + keys::kTermIdSize <= old.size(); i += keys::kTermIdSize) {
    std::string_view t = std::string_view(old).substr(i, keys::kTermIdSize);
    if (!HasTerm(terms, t)) batch->Delete(keys::TermIndex(t, where.seq));
  }
  batch->Put(keys::Terms(referrer), terms);
  std::string prefix = keys::RefTargetPrefix(referrer);
  auto refs = db_->NewIterator(rocksdb::ReadOptions());
  for (refs->Seek(prefix); refs->Valid() && refs->key().starts_with(prefix); refs->Next()) {
    Uuid next;
    std::copy(refs->key().data() + prefix.size(), refs->key().data() + refs->key().size(),
              next.begin());
    LRS_RETURN_IF_ERROR(Reterm(next, terms, erasing, batch, depth + 1));
  }
  return FromRocks(refs->status());
}

}  // namespace lrs::store
