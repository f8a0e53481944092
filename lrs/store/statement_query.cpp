// RocksStatementStore::Query: reads only the index entries of the query's
// terms. With several terms it intersects their sorted sequence lists by
// leapfrogging: each cursor seeks to the current candidate, and whichever
// lands past it moves the candidate on, so work is bounded by the shorter
// lists rather than by the store.
#include <rocksdb/iterator.h>

#include "lrs/store/keys.h"
#include "lrs/store/rocks_statement_store.h"

namespace lrs::store {

namespace {

// Iterates one index ('O' or a term prefix) between two sequence numbers, in
// one direction. Entries are prefix + seq(8) -> part(8) uuid(16).
class SeqCursor {
 public:
  SeqCursor(Database* db, std::string prefix, uint64_t min_seq, uint64_t max_seq, bool ascending)
      : prefix_(std::move(prefix)), ascending_(ascending) {
    lower_ = keys::SeqKey(prefix_, min_seq);
    upper_ = max_seq == UINT64_MAX ? prefix_ + std::string(8, '\xff') + '\xff'
                                   : keys::SeqKey(prefix_, max_seq + 1);
    lower_slice_ = rocksdb::Slice(lower_);
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    it_ = db->NewIterator(ro);
  }

  // Positions at the first entry at or beyond `seq` in the cursor's
  // direction; nullopt when there is none.
  std::optional<uint64_t> SeekTo(uint64_t seq) {
    std::string key = keys::SeqKey(prefix_, seq);
    if (ascending_) {
      it_->Seek(key);
    } else {
      it_->SeekForPrev(key);
    }
    if (!it_->Valid()) return std::nullopt;
    return GetBigEndian64(std::string_view(it_->key().data() + prefix_.size(), 8));
  }

  std::string_view value() const { return {it_->value().data(), it_->value().size()}; }
  Status status() const { return FromRocks(it_->status()); }

 private:
  std::string prefix_;
  bool ascending_;
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

Result<QueryPage> RocksStatementStore::Query(const StatementQuery& q) {
  uint64_t max_seq = std::min(q.max_seq, ConsistentThroughSeq());
  QueryPage page;
  if (q.min_seq > max_seq) return page;

  std::vector<std::unique_ptr<SeqCursor>> cursors;
  if (q.terms.empty()) {
    cursors.push_back(std::make_unique<SeqCursor>(db_, std::string(1, 'O'), q.min_seq, max_seq,
                                                  q.ascending));
  }
  for (const auto& t : q.terms) {
    cursors.push_back(
        std::make_unique<SeqCursor>(db_, keys::TermIndexPrefix(keys::TermId(t)), q.min_seq, max_seq, q.ascending));
  }

  uint64_t candidate = q.ascending ? q.min_seq : max_seq;
  while (true) {
    bool agreed = true;
    for (auto& c : cursors) {
      auto seq = c->SeekTo(candidate);
      if (!seq) {
        LRS_RETURN_IF_ERROR(c->status());
        return page;
      }
      if (*seq != candidate) {
        candidate = *seq;
        agreed = false;
        break;
      }
    }
    if (!agreed) continue;
    if (page.statements.size() == q.limit) {
      page.next_seq = candidate;
      return page;
    }
    uint64_t part = GetBigEndian64(cursors.front()->value());
    auto body = db_->Get(keys::Statement(part, candidate));
    if (!body.ok()) return body.status();
    if (body->has_value()) page.statements.push_back({candidate, std::move(**body)});
    if (q.ascending) {
      if (candidate == max_seq) return page;
      ++candidate;
    } else {
      if (candidate == q.min_seq) return page;
      --candidate;
    }
  }
}

}  // namespace lrs::store
