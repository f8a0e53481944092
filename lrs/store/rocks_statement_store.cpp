#include "lrs/store/rocks_statement_store.h"

#include "lrs/store/keys.h"
#include "lrs/store/statement_stager.h"

namespace lrs::store {

// One queued Insert call.
struct RocksStatementStore::Writer {
  std::vector<NewStatement>* statements;
  const std::vector<AttachmentContent>* attachments;
  Result<InsertOutcome> result = Status::Internal("not written");
  bool done = false;
  std::condition_variable cv;
};

Result<std::unique_ptr<RocksStatementStore>> RocksStatementStore::Open(Database* db) {
  std::unique_ptr<RocksStatementStore> store(new RocksStatementStore(db));
  auto last = db->Get(keys::Meta("last_seq"));
  if (!last.ok()) return last.status();
  if (last->has_value()) store->last_seq_ = GetBigEndian64(**last);
  store->committed_seq_ = store->last_seq_;
  return store;
}

Result<InsertOutcome> RocksStatementStore::Insert(std::vector<NewStatement> statements,
                                                  std::vector<AttachmentContent> attachments) {
  Writer w;
  w.statements = &statements;
  w.attachments = &attachments;
  std::unique_lock<std::mutex> lock(mu_);
  writers_.push_back(&w);
  while (!w.done && writers_.front() != &w) w.cv.wait(lock);
  if (w.done) return std::move(w.result);
  LeadGroup(lock);
  return std::move(w.result);
}

// Called with `lock` held by the writer at the front of the queue. Stages
// every queued request (the queue may grow meanwhile; those wait for the next
// group), writes once, then hands leadership to the next waiting writer.
void RocksStatementStore::LeadGroup(std::unique_lock<std::mutex>& lock) {
  std::vector<Writer*> group(writers_.begin(), writers_.end());
  lock.unlock();

  uint64_t last_seq = last_seq_;
  StatementStager stager(db_, &partitions_, &last_seq);
  bool any = false;
  // Nothing may escape between here and the hand-over below, or the queue
  // would keep a dangling leader and every later writer would wait forever.
  try {
    for (Writer* w : group) {
      w->result = stager.StageRequest(*w->statements, *w->attachments);
      any = any || w->result.ok();
    }
  } catch (const std::exception& e) {
    for (Writer* w : group) w->result = Status::Internal(std::string("staging failed: ") + e.what());
    any = false;
  }
  if (any) {
    Status written = db_->WriteDurable(stager.Finish());
    if (written.ok()) {
      last_seq_ = last_seq;
      committed_seq_ = last_seq;
    } else {
      for (Writer* w : group) {
        if (w->result.ok()) w->result = written;
      }
    }
  }

  lock.lock();
  for (Writer* w : group) {
    writers_.pop_front();
    w->done = true;
    if (w != group.front()) w->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
}

StatementStore::ConsistencyPoint RocksStatementStore::ConsistentThrough() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t committed = committed_seq_.load();
  // The next sequence number is at least committed + 1, and, when no leader
  // is staging (an empty queue under mu_), also at least now: a later write
  // reads a later clock.
  Micros earliest_next = SeqToStoredMicros(committed + 1);
  if (writers_.empty()) earliest_next = std::max(earliest_next, NowMicros() / 1000 * 1000);
  return {committed, earliest_next - 1000};
}

Result<StoredStatement> RocksStatementStore::Get(const Uuid& id, bool voided) {
  static const std::string kMissing = "no statement with that id";
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
  return StoredStatement{where.seq, std::move(**body)};
}

Result<std::string> RocksStatementStore::GetActivity(const std::string& activity_id) {
  auto v = db_->Get(keys::Activity(activity_id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("no activity with that id");
  return std::move(**v);
}

Result<std::string> RocksStatementStore::GetAttachment(const std::string& sha2) {
  auto raw = HexDecode(sha2);
  if (!raw || (raw->size() != 32 && raw->size() != 48 && raw->size() != 64)) return Status::NotFound("no attachment with that sha2");
  auto v = db_->Get(keys::Attachment(*raw));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("no attachment with that sha2");
  return std::move(**v);
}

}  // namespace lrs::store
