#include "lrs/store/rocks_statement_store.h"

#include <functional>

#include "lrs/store/keys.h"
#include "lrs/store/statement_stager.h"

namespace lrs::store {

// One queued Insert call, or an exclusive operation (erasure) that runs alone.
struct RocksStatementStore::Writer {
  std::vector<NewStatement>* statements = nullptr;
  const std::vector<AttachmentContent>* attachments = nullptr;
  std::function<void()> exclusive;
  Result<InsertOutcome> result = Status::Internal("not written");
  bool done = false;
  std::condition_variable cv;
};

namespace {

// A write group stops adding requests beyond this many statements (one
// request of more always makes a group of its own).
constexpr size_t kMaxGroupStatements = 1000;

// The key layout's version (docs/STORAGE.md). Version 2 added partition
// owners, scoped indexes and per-partition attachments; a directory written
// before it has statements but no marker, and is refused rather than served
// with data the read rule cannot see. Version 3 keeps a document's activity
// and registration in its record (exports name them).
constexpr std::string_view kFormat = "3";

Status CheckFormat(Database* db, bool has_statements) {
  auto format = db->Get(keys::Meta("format"));
  if (!format.ok()) return format.status();
  if (format->has_value()) {
    if (**format == kFormat) return Status::Ok();
    return Status::InvalidArgument("data directory: key layout version " + **format +
                                   ", this lrsd reads " + std::string(kFormat));
  }
  if (has_statements) {
    return Status::InvalidArgument(
        "data directory: written by a development build before key layout version 2; start with an "
        "empty "
        "directory");
  }
  rocksdb::WriteBatch batch;
  batch.Put(keys::Meta("format"), kFormat);
  return db->WriteDurable(&batch);
}

}  // namespace

Result<std::unique_ptr<RocksStatementStore>> RocksStatementStore::Open(Database* db) {
  std::unique_ptr<RocksStatementStore> store(new RocksStatementStore(db));
  auto last = db->Get(keys::Meta("last_seq"));
  if (!last.ok()) return last.status();
  if (last->has_value()) store->staged_seq_ = GetBigEndian64(**last);
  LRS_RETURN_IF_ERROR(CheckFormat(db, last->has_value()));
  store->committed_seq_ = store->staged_seq_;
  return store;
}

Result<InsertOutcome> RocksStatementStore::Insert(std::vector<NewStatement> statements,
                                                  std::vector<AttachmentContent> attachments) {
  Writer w;
  w.statements = &statements;
  w.attachments = &attachments;
  Enqueue(&w);
  return std::move(w.result);
}

void RocksStatementStore::Enqueue(Writer* w) {
  std::unique_lock<std::mutex> lock(mu_);
  writers_.push_back(w);
  // A member of a group stays waiting after the group leaves the queue,
  // until its leader marks it done.
  while (!w->done && (writers_.empty() || writers_.front() != w)) w->cv.wait(lock);
  if (!w->done) LeadGroup(lock);
}

Result<uint64_t> RocksStatementStore::ErasePartitions(const std::vector<uint64_t>& parts) {
  Writer w;
  Result<uint64_t> erased = Status::Internal("erasure did not finish");
  w.exclusive = [&] {
    uint64_t total = 0;
    for (uint64_t part : parts) {
      auto n = ErasePartition(part);
      if (!n.ok()) {
        erased = n.status();
        return;
      }
      total += *n;
    }
    erased = total;
  };
  Enqueue(&w);
  return erased;
}

Result<std::optional<uint64_t>> RocksStatementStore::AuthorityScope(
    std::string_view authority_ifi_key) {
  return partitions_.Find(keys::AuthorityScopeName(authority_ifi_key));
}

// Called with `lock` held by the writer at the front of the queue. Stages
// every queued request (the queue may grow meanwhile; those wait for the next
// group) and writes them in one batch.
//
// Writing overlaps with the next group's staging: once this group is staged
// and the previous group's write has finished, the queue passes to the next
// leader, which stages against the database plus this group's staged state
// (StatementStager's `previous`) while this group's batch goes in. Writes
// stay in staging order (a group writes only after the one before it has),
// so sequence numbers commit in order; a group staged on top of one whose
// write failed fails too.
void RocksStatementStore::LeadGroup(std::unique_lock<std::mutex>& lock) {
  // An exclusive operation runs alone; a group of inserts stops before one,
  // and once it holds kMaxGroupStatements (the rest make the next group:
  // a group's staged state and batch are held in memory until written, and
  // 64 clients posting 100 each made groups of 6,400 that kept lrsd's
  // resident memory hundreds of MB higher for no gain in fsyncs saved).
  std::vector<Writer*> group;
  size_t statements = 0;
  for (Writer* w : writers_) {
    if (w->exclusive && !group.empty()) break;
    if (!group.empty() && statements + w->statements->size() > kMaxGroupStatements) break;
    group.push_back(w);
    if (w->exclusive) break;
    statements += w->statements->size();
  }
  if (group.front()->exclusive) {
    in_flight_done_.wait(lock, [this] { return in_flight_ == nullptr; });
    lock.unlock();
    try {
      group.front()->exclusive();
    } catch (...) {
      // The operation reports through its own result (an error until it
      // finishes); it must not unwind past the hand-over.
    }
    lock.lock();
    Retire(group);
    Complete(group);
    return;
  }

  std::shared_ptr<const StatementStager> previous = in_flight_;
  auto stager = std::make_shared<StatementStager>(db_, &partitions_, staged_seq_, previous);
  lock.unlock();
  bool any = false;
  // Nothing may escape between here and the hand-over below, or the queue
  // would keep a dangling leader and every later writer would wait forever.
  try {
    for (Writer* w : group) {
      w->result = stager->StageRequest(*w->statements, *w->attachments);
      any = any || w->result.ok();
    }
  } catch (const std::exception& e) {
    for (Writer* w : group)
      w->result = Status::Internal(std::string("staging failed: ") + e.what());
    any = false;
  }

  lock.lock();
  in_flight_done_.wait(lock, [this] { return in_flight_ == nullptr; });
  if (previous && !previous_write_.ok()) {
    for (Writer* w : group) {
      if (w->result.ok()) w->result = previous_write_;
    }
    any = false;
  }
  rocksdb::WriteBatch* batch = any ? stager->Finish() : nullptr;
  if (any) {
    staged_seq_ = stager->last_seq();
    in_flight_ = stager;
  }
  Retire(group);
  lock.unlock();

  Status written = any ? db_->WriteDurable(batch) : Status::Ok();
  partitions_.Settle(stager->staged_partitions(), any && written.ok());

  lock.lock();
  if (any) {
    if (written.ok()) {
      committed_seq_ = stager->last_seq();
    } else {
      for (Writer* w : group) {
        if (w->result.ok()) w->result = written;
      }
    }
    previous_write_ = written;
    in_flight_ = nullptr;
    in_flight_done_.notify_all();
  }
  Complete(group);
}

// With mu_ held: takes `group` off the queue front and wakes the next leader.
void RocksStatementStore::Retire(const std::vector<Writer*>& group) {
  for (size_t i = 0; i < group.size(); ++i) writers_.pop_front();
  if (!writers_.empty()) writers_.front()->cv.notify_one();
}

// With mu_ held: the group's results are final; wakes its members.
void RocksStatementStore::Complete(const std::vector<Writer*>& group) {
  for (Writer* w : group) {
    w->done = true;
    if (w != group.front()) w->cv.notify_one();
  }
}

StatementStore::ConsistencyPoint RocksStatementStore::ConsistentThrough() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t committed = committed_seq_.load();
  // The next sequence number is at least committed + 1, and, when no leader
  // is staging (an empty queue under mu_), also at least now: a later write
  // reads a later clock.
  Micros earliest_next = SeqToStoredMicros(committed + 1);
  if (writers_.empty() && !in_flight_)
    earliest_next = std::max(earliest_next, NowMicros() / 1000 * 1000);
  return {committed, earliest_next - 1000};
}

Result<StoredStatement> RocksStatementStore::Get(const Uuid& id, bool voided) {
  static const std::string kMissing(kNoSuchStatement);
  auto loc = db_->Get(keys::IdIndex(id));
  if (!loc.ok()) return loc.status();
  if (!loc->has_value()) return Status::NotFound(kMissing);
  auto where = keys::ParseLocation(**loc);
  auto marker = db_->Get(keys::Voided(id));
  if (!marker.ok()) return marker.status();
  // A voiding statement is never voided, even if something pointed at it.
  bool is_voided = marker->has_value() && !where.voiding;
  if (is_voided != voided) return Status::NotFound(kMissing);
  auto body = db_->Get(keys::Statement(where.part, where.seq));
  if (!body.ok()) return body.status();
  if (!body->has_value()) return Status::Internal("id index points at a missing statement");
  return StoredStatement{where.seq, where.part, std::move(**body)};
}

Result<std::string> RocksStatementStore::GetActivity(const std::string& activity_id) {
  auto v = db_->Get(keys::Activity(activity_id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("no activity with that id");
  return std::move(**v);
}

Result<std::string> RocksStatementStore::GetAttachment(uint64_t part, const std::string& sha2) {
  std::string hex = sha2;
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto raw = HexDecode(hex);
  if (!raw || (raw->size() != 32 && raw->size() != 48 && raw->size() != 64))
    return Status::NotFound("no attachment with that sha2");
  auto v = db_->Get(keys::Attachment(part, *raw));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("no attachment with that sha2");
  return std::move(**v);
}

}  // namespace lrs::store
