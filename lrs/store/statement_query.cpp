// RocksStatementStore::Query: reads only the index entries of the query's
// terms. With several terms it intersects their sorted sequence lists by
// leapfrogging: each cursor seeks to the current candidate, and whichever
// lands past it moves the candidate on, so work is bounded by the shorter
// lists rather than by the store.
//
// A query over many partition scopes (an organisation reading what thousands
// of learners granted it) would open a cursor per scope and read every
// scope's head before returning the first statement. Instead it reads the
// global indexes once and keeps the statements whose partition is one of the
// scopes; if those turn out to be too sparse there (more than
// kSkipsPerScope index entries skipped per scope), it starts over with a
// cursor per scope, so neither plan costs more than about twice the better.
#include <rocksdb/iterator.h>

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "lrs/base/json.h"

#include "lrs/store/keys.h"
#include "lrs/store/rocks_statement_store.h"

namespace lrs::store {

namespace {

// Below this many partition scopes, a cursor per scope is cheap enough.
constexpr size_t kManyScopes = 64;
// The filtered global plan gives up after skipping this many index entries
// per scope: about what opening and positioning one cursor per scope costs.
constexpr uint64_t kSkipsPerScope = 40;

using ScopeMap = std::unordered_map<uint64_t, const ScopeFilter*>;

// Entries a cursor steps over before it seeks instead.
constexpr int kStepsBeforeSeek = 4;

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
  // direction; nullopt when there is none. A leapfrog asks for positions a
  // few entries ahead, or where the cursor already is, far more often than
  // far away: those take a few steps instead of a seek (a seek costs a
  // search in every memtable and level).
  std::optional<uint64_t> SeekTo(uint64_t seq) {
    for (int step = 0; step <= kStepsBeforeSeek && it_->Valid(); ++step) {
      uint64_t at = Current();
      if (ascending_ ? at >= seq : at <= seq) return at;
      if (step == kStepsBeforeSeek) break;
      ascending_ ? it_->Next() : it_->Prev();
    }
    std::string key = keys::SeqKey(prefix_, seq);
    if (ascending_) {
      it_->Seek(key);
    } else {
      it_->SeekForPrev(key);
    }
    if (!it_->Valid()) return std::nullopt;
    return Current();
  }

  std::string_view value() const { return {it_->value().data(), it_->value().size()}; }
  uint64_t Current() const {
    return GetBigEndian64(std::string_view(it_->key().data() + prefix_.size(), 8));
  }
  Status status() const { return FromRocks(it_->status()); }

 private:
  std::string prefix_;
  bool ascending_;
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The statements of one index set (all of whose cursors must agree on a
// sequence number) that pass `admit`, in one direction. `Find(from)` returns
// the first at or beyond `from`, with its stored body.
class MatchStream {
 public:
  // `own_terms`, when not empty, must all be among a statement's own terms.
  MatchStream(Database* db, const std::vector<std::string>& prefixes, uint64_t min_seq,
              uint64_t max_seq, bool ascending,
              std::function<bool(const boost::json::object&)> admit,
              std::vector<std::string> own_terms)
      : db_(db),
        min_seq_(min_seq),
        max_seq_(max_seq),
        ascending_(ascending),
        admit_(std::move(admit)),
        own_terms_(std::move(own_terms)) {
    for (const auto& p : prefixes) {
      cursors_.push_back(std::make_unique<SeqCursor>(db, p, min_seq, max_seq, ascending));
    }
  }

  struct Hit {
    uint64_t seq;
    uint64_t part;
    std::string json;
  };

  // Keeps only statements of these partitions, each judged by its scope's
  // `admit`; gives up after skipping `budget` entries of other partitions.
  void FilterPartitions(const ScopeMap* parts, uint64_t budget) {
    parts_ = parts;
    budget_ = budget;
  }
  bool gave_up() const { return gave_up_; }

  Result<std::optional<Hit>> Find(uint64_t from) {
    std::optional<uint64_t> candidate = from;
    while (candidate) {
      auto seq = Agree(*candidate);
      if (!seq.ok()) return seq.status();
      if (!*seq) return std::optional<Hit>();
      uint64_t part = GetBigEndian64(cursors_.front()->value());
      const ScopeFilter* scope = nullptr;
      if (parts_) {
        auto it = parts_->find(part);
        if (it == parts_->end()) {
          if (++skipped_ > budget_) {
            gave_up_ = true;
            return std::optional<Hit>();
          }
          candidate = After(**seq);
          continue;
        }
        scope = it->second;
      }
      auto body = db_->Get(keys::Statement(part, **seq));
      if (!body.ok()) return body.status();
      if (body->has_value() && Admits(**body, scope))
        return std::optional<Hit>(Hit{**seq, part, std::move(**body)});
      candidate = After(**seq);
    }
    return std::optional<Hit>();
  }

  // The next sequence number in this stream's direction, nullopt past the bounds.
  std::optional<uint64_t> After(uint64_t seq) const {
    if (ascending_) return seq == max_seq_ ? std::nullopt : std::optional<uint64_t>(seq + 1);
    return seq == min_seq_ ? std::nullopt : std::optional<uint64_t>(seq - 1);
  }

 private:
  // Leapfrog: each cursor seeks to the candidate; one landing past it moves
  // the candidate, until all agree or one runs out.
  Result<std::optional<uint64_t>> Agree(uint64_t candidate) {
    while (true) {
      bool agreed = true;
      for (auto& c : cursors_) {
        auto seq = c->SeekTo(candidate);
        if (!seq) {
          LRS_RETURN_IF_ERROR(c->status());
          return std::optional<uint64_t>();
        }
        if (*seq != candidate) {
          candidate = *seq;
          agreed = false;
          break;
        }
      }
      if (agreed) return std::optional<uint64_t>(candidate);
    }
  }

  bool Admits(const std::string& json, const ScopeFilter* scope) const {
    const auto& admit = scope ? scope->admit : admit_;
    if (!admit && own_terms_.empty()) return true;
    auto v = ParseJson(json, "stored statement");
    if (!v.ok() || !v->is_object()) return false;
    if (!own_terms_.empty()) {
      std::vector<std::string> own;
      for (const auto& t : xapi::ExtractTerms(*v)) own.push_back(keys::TermId(t));
      for (const auto& t : own_terms_) {
        if (std::find(own.begin(), own.end(), t) == own.end()) return false;
      }
    }
    return !admit || admit(v->get_object());
  }

  Database* db_;
  uint64_t min_seq_, max_seq_;
  bool ascending_;
  std::function<bool(const boost::json::object&)> admit_;
  std::vector<std::string> own_terms_;
  std::vector<std::unique_ptr<SeqCursor>> cursors_;
  const ScopeMap* parts_ = nullptr;
  uint64_t budget_ = 0;
  uint64_t skipped_ = 0;
  bool gave_up_ = false;
};

// One scope's index prefixes: its terms' entries, or its stored order.
std::vector<std::string> ScopePrefixes(uint64_t scope, const std::vector<std::string>& term_ids) {
  std::vector<std::string> prefixes;
  for (const auto& t : term_ids) prefixes.push_back(keys::ScopedTermPrefix(scope, t));
  if (prefixes.empty()) prefixes.push_back(keys::ScopedOrderPrefix(scope));
  return prefixes;
}

// Merges the streams in sequence order: the best head is the next result; a
// statement found by several streams (its partition's and its authority's
// scope) is returned once.
Result<QueryPage> MergeStreams(std::vector<std::unique_ptr<MatchStream>>& streams,
                               const StatementQuery& q, uint64_t max_seq) {
  QueryPage page;
  std::vector<std::optional<MatchStream::Hit>> heads(streams.size());
  for (size_t i = 0; i < streams.size(); ++i) {
    auto hit = streams[i]->Find(q.ascending ? q.min_seq : max_seq);
    if (!hit.ok()) return hit.status();
    heads[i] = std::move(*hit);
  }
  auto better = [&](uint64_t a, uint64_t b) { return q.ascending ? a < b : a > b; };
  while (true) {
    std::optional<size_t> best;
    for (size_t i = 0; i < heads.size(); ++i) {
      if (heads[i] && (!best || better(heads[i]->seq, heads[*best]->seq))) best = i;
    }
    if (!best) return page;
    uint64_t seq = heads[*best]->seq;
    if (page.statements.size() == q.limit) {
      page.next_seq = seq;
      return page;
    }
    page.statements.push_back({seq, heads[*best]->part, std::move(heads[*best]->json)});
    for (size_t i = 0; i < heads.size(); ++i) {
      if (!heads[i] || heads[i]->seq != seq) continue;
      heads[i].reset();
      if (auto next = streams[i]->After(seq)) {
        auto hit = streams[i]->Find(*next);
        if (!hit.ok()) return hit.status();
        heads[i] = std::move(*hit);
      }
    }
  }
}

}  // namespace

Result<QueryPage> RocksStatementStore::Query(const StatementQuery& q) {
  uint64_t max_seq = std::min(q.max_seq, ConsistentThroughSeq());
  QueryPage page;
  if (q.min_seq > max_seq) return page;

  std::vector<std::string> term_ids;
  for (const auto& t : q.terms) term_ids.push_back(keys::TermId(t));
  std::vector<std::unique_ptr<MatchStream>> streams;
  auto add_stream = [&](std::vector<std::string> prefixes,
                        const std::function<bool(const boost::json::object&)>& admit,
                        bool own_terms_only) {
    streams.push_back(
        std::make_unique<MatchStream>(db_, prefixes, q.min_seq, max_seq, q.ascending, admit,
                                      own_terms_only ? term_ids : std::vector<std::string>()));
    return streams.back().get();
  };
  // The whole store's indexes, where a StatementRef carries its target's
  // terms too.
  auto global_prefixes = [&] {
    std::vector<std::string> prefixes;
    for (const auto& t : term_ids) prefixes.push_back(keys::TermIndexPrefix(t));
    if (prefixes.empty()) prefixes.emplace_back(1, 'O');
    return prefixes;
  };
  if (!q.scopes) {
    add_stream(global_prefixes(), nullptr, false);
    return MergeStreams(streams, q, max_seq);
  }

  ScopeMap partitions;
  bool all_own_terms = true;
  for (const auto& scope : *q.scopes) {
    if (!scope.partition) continue;
    partitions.emplace(scope.scope, &scope);
    all_own_terms = all_own_terms && scope.own_terms_only;
  }
  // The global indexes hold a StatementRef's inherited terms, which a
  // partition's own scope may not: only scopes judged by own terms (or a
  // query without terms) can be answered from them.
  if (partitions.size() >= kManyScopes && (term_ids.empty() || all_own_terms)) {
    for (const auto& scope : *q.scopes) {
      if (!scope.partition)
        add_stream(ScopePrefixes(scope.scope, term_ids), scope.admit, scope.own_terms_only);
    }
    MatchStream* filtered = add_stream(global_prefixes(), nullptr, /*own_terms_only=*/true);
    filtered->FilterPartitions(&partitions, kSkipsPerScope * partitions.size());
    auto result = MergeStreams(streams, q, max_seq);
    filtered_reads_.fetch_add(1, std::memory_order_relaxed);
    if (!result.ok() || !filtered->gave_up()) return result;
    streams.clear();  // too sparse: one cursor per scope after all
  }
  for (const auto& scope : *q.scopes) {
    add_stream(ScopePrefixes(scope.scope, term_ids), scope.admit, scope.own_terms_only);
  }
  scopes_read_.fetch_add(q.scopes->size(), std::memory_order_relaxed);
  return MergeStreams(streams, q, max_seq);
}

}  // namespace lrs::store
