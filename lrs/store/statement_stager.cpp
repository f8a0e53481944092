#include "lrs/store/statement_stager.h"
#include "lrs/base/json.h"

#include <algorithm>

#include "lrs/base/clock.h"
#include "lrs/store/keys.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/format.h"

namespace lrs::store {

namespace json = boost::json;

namespace {
// A statement's terms are concatenated fixed-size term ids (keys::TermId).
template <typename F>
void ForEachTerm(std::string_view terms, F&& f) {
  for (size_t i = 0; i + keys::kTermIdSize <= terms.size(); i += keys::kTermIdSize) {
    f(terms.substr(i, keys::kTermIdSize));
  }
}

// The term ids of `candidates` that `have` lacks, in order.
std::string MissingTerms(std::string_view have, std::string_view candidates) {
  std::string missing;
  ForEachTerm(candidates, [&](std::string_view t) {
    bool present = false;
    ForEachTerm(have, [&](std::string_view h) { present = present || h == t; });
    if (!present) missing.append(t);
  });
  return missing;
}

// A 'V' marker: who voided the statement, and enough to decide whether that
// voider may: voider uuid(16) part(8) any(1) authority IFI key.
std::string VoidMarker(const Uuid& voider, uint64_t part, bool any, std::string_view authority) {
  std::string v = UuidBytes(voider);
  PutBigEndian64(&v, part);
  v.push_back(any ? 1 : 0);
  v.append(authority);
  return v;
}

bool MayVoid(std::string_view marker, uint64_t target_part, std::string_view target_authority) {
  if (marker.size() < 25) return true;  // a marker from before this rule: it stood
  return marker[24] != 0 || GetBigEndian64(marker.substr(16)) == target_part ||
         marker.substr(25) == target_authority;
}

std::string AuthorityKeyOf(const json::object& statement) {
  auto it = statement.find("authority");
  return it == statement.end() ? "" : xapi::IfiKey(it->value()).value_or("");
}

// Replays one batch into another (RocksDB has no public batch append).
class AppendTo : public rocksdb::WriteBatch::Handler {
 public:
  explicit AppendTo(rocksdb::WriteBatch* out) : out_(out) {}
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return out_->Put(k, v);
  }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice& k) override { return out_->Delete(k); }

 private:
  rocksdb::WriteBatch* out_;
};
}  // namespace

std::optional<Uuid> StatementRefTarget(const json::object& statement) {
  auto it = statement.find("object");
  if (it == statement.end() || !it->value().is_object()) return std::nullopt;
  const auto& o = it->value().get_object();
  auto type = o.find("objectType");
  if (type == o.end() || !type->value().is_string() ||
      type->value().get_string() != "StatementRef") {
    return std::nullopt;
  }
  auto id = o.find("id");
  if (id == o.end() || !id->value().is_string()) return std::nullopt;
  return ParseUuid(id->value().get_string());
}

bool IsVoidingStatement(const json::object& statement) {
  auto verb = statement.find("verb");
  if (verb == statement.end() || !verb->value().is_object()) return false;
  const auto& v = verb->value().get_object();
  auto id = v.find("id");
  return id != v.end() && id->value().is_string() && id->value().get_string() == kVoidedVerb &&
         StatementRefTarget(statement).has_value();
}

Result<std::optional<StatementStager::Known>> StatementStager::Lookup(const std::string& raw_id,
                                                                      const Pending& p) {
  if (auto it = p.known.find(raw_id); it != p.known.end()) return std::optional<Known>(it->second);
  if (auto it = known_.find(raw_id); it != known_.end()) return std::optional<Known>(it->second);
  if (previous_) {
    if (auto it = previous_->known_.find(raw_id); it != previous_->known_.end()) {
      return std::optional<Known>(it->second);
    }
  }
  Uuid id;
  std::copy(raw_id.begin(), raw_id.end(), id.begin());
  auto loc = db_->Get(keys::IdIndex(id));
  if (!loc.ok()) return loc.status();
  if (!loc->has_value()) return std::optional<Known>();
  auto where = keys::ParseLocation(**loc);
  Known k{where.part, where.seq, where.voiding, {}, {}, {}};
  auto body = db_->Get(keys::Statement(where.part, where.seq));
  if (!body.ok()) return body.status();
  if (!body->has_value()) return Status::Internal("id index points at a missing statement");
  k.json = std::move(**body);
  auto terms = db_->Get(keys::Terms(id));
  if (!terms.ok()) return terms.status();
  if (terms->has_value()) k.terms = std::move(**terms);
  auto part_terms = db_->Get(keys::PartitionTerms(id));
  if (!part_terms.ok()) return part_terms.status();
  if (part_terms->has_value()) k.part_terms = std::move(**part_terms);
  return std::optional<Known>(std::move(k));
}

Result<bool> StatementStager::IsVoided(const std::string& raw_id, const Pending& p) {
  if (auto it = p.voided.find(raw_id); it != p.voided.end()) return it->second;
  if (auto it = voided_.find(raw_id); it != voided_.end()) return it->second;
  if (previous_) {
    if (auto it = previous_->voided_.find(raw_id); it != previous_->voided_.end())
      return it->second;
  }
  Uuid id;
  std::copy(raw_id.begin(), raw_id.end(), id.begin());
  auto v = db_->Get(keys::Voided(id));
  if (!v.ok()) return v.status();
  return v->has_value();
}

Result<std::optional<std::string>> StatementStager::MarkerOf(const std::string& raw_id,
                                                             const Pending& p) {
  if (auto it = p.markers.find(raw_id); it != p.markers.end())
    return std::optional<std::string>(it->second);
  if (auto it = markers_.find(raw_id); it != markers_.end())
    return std::optional<std::string>(it->second);
  if (previous_) {
    if (auto it = previous_->markers_.find(raw_id); it != previous_->markers_.end()) {
      return std::optional<std::string>(it->second);
    }
  }
  Uuid id;
  std::copy(raw_id.begin(), raw_id.end(), id.begin());
  return db_->Get(keys::Voided(id));
}

// Voiding removes the target from every query index; the statement itself
// stays, reachable by voidedStatementId. A target not stored yet is marked,
// so it arrives already voided (if the marker's voider may void it).
Status StatementStager::ApplyVoid(const Uuid& target, const std::string& marker, Pending& p) {
  std::string raw = UuidBytes(target);
  auto voided = IsVoided(raw, p);
  if (!voided.ok()) return voided.status();
  if (*voided) return Status::Ok();
  auto known = Lookup(raw, p);
  if (!known.ok()) return known.status();
  if (known->has_value()) {
    const Known& k = **known;
    // A voiding statement cannot be voided; the new statement is kept as a
    // plain reference (validation already rejected it where the spec says so).
    if (k.voiding) return Status::Ok();
    auto stored = ParseJson(k.json, "stored statement");
    if (!stored.ok() || !stored->is_object())
      return Status::Internal("stored statement is not a JSON object");
    // Nor may anyone void what is neither in their partition nor theirs.
    if (!MayVoid(marker, k.part, AuthorityKeyOf(stored->get_object()))) return Status::Ok();
    p.batch.Delete(keys::StoredOrder(k.seq));
    ForEachTerm(k.terms, [&](std::string_view t) { p.batch.Delete(keys::TermIndex(t, k.seq)); });
    std::optional<uint64_t> scope;
    if (std::string key = AuthorityKeyOf(stored->get_object()); !key.empty()) {
      auto found = FindPartition(keys::AuthorityScopeName(key));
      if (!found.ok()) return found.status();
      scope = *found;
    }
    IndexScoped({k.part, k.seq, target, k.part_terms, OwnTermIds(stored->get_object()), scope},
                /*put=*/false, &p.batch);
  }
  p.batch.Put(keys::Voided(target), marker);
  p.voided[raw] = true;
  p.markers[raw] = marker;
  return Status::Ok();
}

std::string OwnTermIds(const json::object& statement) {
  std::string own;
  for (const auto& t : xapi::ExtractTerms(json::value(statement))) own += keys::TermId(t);
  return own;
}

Result<std::optional<uint64_t>> AuthorityScopeOf(PartitionDirectory* partitions,
                                                 const json::object& statement) {
  std::string key = AuthorityKeyOf(statement);
  if (key.empty()) return std::optional<uint64_t>();
  return partitions->Find(keys::AuthorityScopeName(key));
}

void IndexScoped(const ScopedEntries& e, bool put, rocksdb::WriteBatch* batch) {
  std::vector<std::pair<uint64_t, std::string_view>> scopes{{e.part, e.part_terms}};
  if (e.authority_scope) scopes.emplace_back(*e.authority_scope, e.own_terms);
  std::string where = keys::PartAndId(e.part, e.id);
  for (const auto& [scope, terms] : scopes) {
    std::string order = keys::SeqKey(keys::ScopedOrderPrefix(scope), e.seq);
    put ? batch->Put(order, where) : batch->Delete(order);
    // `scope` is captured by copy: clang before 16 cannot capture a
    // structured binding (P1091), and the fuzz build uses clang.
    ForEachTerm(terms, [&, scope = scope](std::string_view t) {
      std::string k = keys::SeqKey(keys::ScopedTermPrefix(scope, t), e.seq);
      put ? batch->Put(k, where) : batch->Delete(k);
    });
  }
}

Result<std::vector<std::string>> StatementStager::Referrers(const std::string& raw_target,
                                                            const Pending& p) {
  std::vector<std::string> out;
  using RefMap = std::multimap<std::string, std::string>;
  const RefMap* previous_refs = previous_ ? &previous_->refs_ : nullptr;
  for (const RefMap* refs :
       {static_cast<const RefMap*>(&p.refs), static_cast<const RefMap*>(&refs_), previous_refs}) {
    if (!refs) continue;
    auto [lo, hi] = refs->equal_range(raw_target);
    for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  }
  Uuid target;
  std::copy(raw_target.begin(), raw_target.end(), target.begin());
  std::string prefix = keys::RefTargetPrefix(target);
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out.emplace_back(it->key().data() + prefix.size(), it->key().size() - prefix.size());
  }
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

Status StatementStager::PropagateToReferrers(const std::string& raw_target,
                                             const std::string& terms,
                                             const std::string& part_terms, uint64_t target_part,
                                             Pending& p, int depth) {
  // References form chains, not cycles (a statement can only reference an
  // id it names at creation), but a bound keeps a hostile chain cheap.
  constexpr int kMaxDepth = 16;
  if ((terms.empty() && part_terms.empty()) || depth >= kMaxDepth) return Status::Ok();
  auto referrers = Referrers(raw_target, p);
  if (!referrers.ok()) return referrers.status();
  for (const std::string& raw : *referrers) {
    auto found = Lookup(raw, p);
    if (!found.ok()) return found.status();
    if (!found->has_value()) continue;  // staged later in this request, or gone
    Known k = std::move(**found);
    std::string added = MissingTerms(k.terms, terms);
    // Inside a partition's scope, only a target in the same partition lends
    // its terms (docs/STORAGE.md, "Scopes").
    std::string added_part = k.part == target_part ? MissingTerms(k.part_terms, part_terms) : "";
    if (added.empty() && added_part.empty()) continue;
    Uuid id;
    std::copy(raw.begin(), raw.end(), id.begin());
    auto voided = IsVoided(raw, p);
    if (!voided.ok()) return voided.status();
    if (!*voided || k.voiding) {
      std::string where = keys::PartAndId(k.part, id);
      ForEachTerm(added,
                  [&](std::string_view t) { p.batch.Put(keys::TermIndex(t, k.seq), where); });
      ForEachTerm(added_part, [&](std::string_view t) {
        p.batch.Put(keys::SeqKey(keys::ScopedTermPrefix(k.part, t), k.seq), where);
      });
    }
    k.terms += added;
    k.part_terms += added_part;
    p.batch.Put(keys::Terms(id), k.terms);
    p.batch.Put(keys::PartitionTerms(id), k.part_terms);
    uint64_t part = k.part;
    p.known[raw] = std::move(k);
    LRS_RETURN_IF_ERROR(PropagateToReferrers(raw, added, added_part, part, p, depth + 1));
  }
  return Status::Ok();
}

// Attachment contents are stored in the partition of each statement whose
// attachments name them.
void StatementStager::NoteAttachments(const json::object& statement, uint64_t part, Pending& p) {
  auto a = statement.find("attachments");
  if (a == statement.end() || !a->value().is_array()) return;
  for (const auto& att : a->value().get_array()) {
    const auto* sha = att.is_object() ? att.get_object().if_contains("sha2") : nullptr;
    if (!sha || !sha->is_string()) continue;
    std::string hex(sha->get_string());
    for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p.attachment_parts.emplace(std::move(hex), part);
  }
}

Status StatementStager::StageOne(NewStatement& s, Pending& p, InsertOutcome& out) {
  std::string raw_id = UuidBytes(s.id);
  std::string id_text = FormatUuid(s.id);
  auto existing = Lookup(raw_id, p);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    auto stored = ParseJson((*existing)->json, "stored statement");
    // Only its own writer may re-send a statement: comparing anyone else's
    // content with the stored one would tell them what it says.
    if (!stored.ok() || !stored->is_object() ||
        AuthorityKeyOf(stored->get_object()) != AuthorityKeyOf(s.statement) ||
        !xapi::SameStatement(json::value(s.statement), *stored)) {
      return Status::Conflict("statement " + id_text +
                              " already exists with different content; statements are immutable");
    }
    out.ids.push_back(id_text);
    NoteAttachments(s.statement, (*existing)->part, p);  // a re-send may bring the content
    return Status::Ok();
  }

  auto part = StagePartition(s.partition);
  if (!part.ok()) return part.status();
  uint64_t now_seq = static_cast<uint64_t>(NowMicros() / 1000) * 1000;
  uint64_t seq = std::max(p.last_seq + 1, now_seq);
  p.last_seq = seq;
  std::string stored = FormatTimestampMillis(SeqToStoredMicros(seq));
  s.statement["stored"] = stored;
  if (!s.statement.contains("timestamp")) s.statement["timestamp"] = stored;

  bool voiding = IsVoidingStatement(s.statement);
  auto target = StatementRefTarget(s.statement);
  if (voiding && s.apply_void) {
    std::string marker = VoidMarker(s.id, *part, s.may_void_any, AuthorityKeyOf(s.statement));
    LRS_RETURN_IF_ERROR(ApplyVoid(*target, marker, p));
  }

  // Terms: its own, plus those of a referenced statement (a statement that
  // targets another matches the filters its target matches).
  const std::string own_terms = OwnTermIds(s.statement);
  std::string terms = own_terms;
  std::string part_terms = terms;
  if (target) {
    auto ref = Lookup(UuidBytes(*target), p);
    if (!ref.ok()) return ref.status();
    if (ref->has_value()) {
      terms += MissingTerms(terms, (*ref)->terms);
      if ((*ref)->part == *part) part_terms += MissingTerms(part_terms, (*ref)->part_terms);
    }
    p.batch.Put(keys::RefTarget(*target, s.id), "");
    p.refs.emplace(UuidBytes(*target), raw_id);
  }

  LRS_RETURN_IF_ERROR(MergeActivities(s.statement, p));
  std::string body = json::serialize(s.statement);
  p.batch.Put(keys::Statement(*part, seq), body);
  p.batch.Put(keys::IdIndex(s.id), keys::Location(*part, seq, voiding));
  p.batch.Put(keys::Terms(s.id), terms);
  p.batch.Put(keys::PartitionTerms(s.id), part_terms);
  if (!s.provenance.empty()) p.batch.Put(keys::Provenance(s.id), s.provenance);
  if (s.voided_by && !voiding) {
    // Voided at the source by a statement that may not be here: marked as
    // by a voider that may void anything, so it stands.
    std::string marker = VoidMarker(*s.voided_by, *part, /*any=*/true, "");
    p.batch.Put(keys::Voided(s.id), marker);
    p.voided[raw_id] = true;
    p.markers[raw_id] = marker;
  }
  // A voided marker left for this id by an earlier voider counts only when
  // this statement can be voided at all (voiding statements cannot).
  auto voided = IsVoided(raw_id, p);
  if (!voided.ok()) return voided.status();
  if (*voided && !voiding) {
    // The marker was left before this statement arrived: it stands only if
    // its voider may void this statement.
    auto marker = MarkerOf(raw_id, p);
    if (!marker.ok()) return marker.status();
    if (*marker && !MayVoid(**marker, *part, AuthorityKeyOf(s.statement))) {
      p.batch.Delete(keys::Voided(s.id));
      p.voided[raw_id] = false;
      p.markers.erase(raw_id);
      *voided = false;
    }
  }
  if (!*voided || voiding) {
    std::string where = keys::PartAndId(*part, s.id);
    p.batch.Put(keys::StoredOrder(seq), where);
    ForEachTerm(terms, [&](std::string_view t) { p.batch.Put(keys::TermIndex(t, seq), where); });
    std::optional<uint64_t> authority_scope;
    if (std::string key = AuthorityKeyOf(s.statement); !key.empty()) {
      auto scope = StagePartition(keys::AuthorityScopeName(key));
      if (!scope.ok()) return scope.status();
      authority_scope = *scope;
    }
    IndexScoped({*part, seq, s.id, part_terms, own_terms, authority_scope}, /*put=*/true, &p.batch);
  }
  NoteAttachments(s.statement, *part, p);
  LRS_RETURN_IF_ERROR(PropagateToReferrers(raw_id, terms, part_terms, *part, p, 0));
  p.known[raw_id] =
      Known{*part, seq, voiding, std::move(body), std::move(terms), std::move(part_terms)};
  out.ids.push_back(id_text);
  return Status::Ok();
}

// A partition's number as this group, the previous group (whose batch may
// not have committed yet) or the store has it; nullopt when none has.
Result<std::optional<uint64_t>> StatementStager::FindPartition(const std::string& name) const {
  if (auto it = group_partitions_.find(name); it != group_partitions_.end())
    return std::optional<uint64_t>(it->second);
  if (previous_) {
    auto it = previous_->group_partitions_.find(name);
    if (it != previous_->group_partitions_.end()) return std::optional<uint64_t>(it->second);
  }
  return partitions_->Find(name);
}

// New partitions join the group's batch whether or not the request that
// named them succeeds: an unused mapping is harmless, and a later request of
// the group may already use the number.
Result<uint64_t> StatementStager::StagePartition(const std::string& name) {
  if (auto it = group_partitions_.find(name); it != group_partitions_.end()) return it->second;
  auto part = partitions_->FindOrStage(name, &group_, &staged_partitions_);
  if (part.ok()) group_partitions_[name] = *part;
  return part;
}

Result<InsertOutcome> StatementStager::StageRequest(
    std::vector<NewStatement>& statements, const std::vector<AttachmentContent>& attachments) {
  Pending p;
  p.last_seq = last_seq_;
  InsertOutcome out;
  for (auto& s : statements) LRS_RETURN_IF_ERROR(StageOne(s, p, out));
  // Attachments are kept in each partition whose statements use them.
  for (const auto& a : attachments) {
    auto raw = HexDecode(a.sha2);
    if (!raw || (raw->size() != 32 && raw->size() != 48 && raw->size() != 64)) {
      return Status::InvalidArgument("attachment sha2: not a SHA-256, SHA-384 or SHA-512 digest");
    }
    auto [lo, hi] = p.attachment_parts.equal_range(a.sha2);
    for (auto it = lo; it != hi; ++it) p.batch.Put(keys::Attachment(it->second, *raw), a.content);
  }
  // Success: the request joins the group.
  AppendTo append(&group_);
  LRS_RETURN_IF_ERROR(FromRocks(p.batch.Iterate(&append)));
  for (auto& [k, v] : p.known) known_[k] = std::move(v);
  for (auto& [k, v] : p.voided) voided_[k] = v;
  for (auto& [k, v] : p.voided) {
    if (!v) markers_.erase(k);
  }
  for (auto& [k, v] : p.markers) markers_[k] = std::move(v);
  for (auto& [k, v] : p.activities) activities_[k] = std::move(v);
  refs_.insert(p.refs.begin(), p.refs.end());
  last_seq_ = p.last_seq;
  return out;
}

rocksdb::WriteBatch* StatementStager::Finish() {
  std::string v;
  PutBigEndian64(&v, last_seq_);
  previous_.reset();
  group_.Put(keys::Meta("last_seq"), v);
  return &group_;
}

}  // namespace lrs::store
