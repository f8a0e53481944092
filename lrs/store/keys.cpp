#include "lrs/store/keys.h"

namespace lrs::store::keys {

namespace {
std::string Tagged(char tag, std::string_view rest) {
  std::string k(1, tag);
  k.append(rest);
  return k;
}
}  // namespace

std::string Statement(uint64_t part, uint64_t seq) {
  std::string k(1, 'S');
  PutBigEndian64(&k, part);
  PutBigEndian64(&k, seq);
  return k;
}

std::string IdIndex(const Uuid& id) { return Tagged('I', UuidBytes(id)); }

std::string StoredOrder(uint64_t seq) {
  std::string k(1, 'O');
  PutBigEndian64(&k, seq);
  return k;
}

std::string TermId(const xapi::Term& term) {
  std::string id(1, static_cast<char>(term.kind));
  id.append(Sha256(term.value).substr(0, 16));
  return id;
}

std::string TermIndexPrefix(std::string_view term_id) { return Tagged('X', term_id); }

std::string TermIndex(std::string_view term_id, uint64_t seq) {
  return SeqKey(TermIndexPrefix(term_id), seq);
}

std::string SeqKey(std::string_view prefix, uint64_t seq) {
  std::string k(prefix);
  PutBigEndian64(&k, seq);
  return k;
}

std::string Terms(const Uuid& id) { return Tagged('T', UuidBytes(id)); }
std::string PartitionTerms(const Uuid& id) { return Tagged('W', UuidBytes(id)); }
std::string Voided(const Uuid& id) { return Tagged('V', UuidBytes(id)); }
std::string Provenance(const Uuid& id) { return Tagged('p', UuidBytes(id)); }
std::string RefTarget(const Uuid& target, const Uuid& referrer) {
  return Tagged('R', UuidBytes(target) + UuidBytes(referrer));
}
std::string RefTargetPrefix(const Uuid& target) { return Tagged('R', UuidBytes(target)); }
std::string Partition(std::string_view name) { return Tagged('P', Sha256(name).substr(0, 16)); }
std::string AttachmentPrefix(uint64_t part) {
  std::string k(1, 'A');
  PutBigEndian64(&k, part);
  return k;
}
std::string Attachment(uint64_t part, std::string_view sha2_raw) {
  return AttachmentPrefix(part).append(sha2_raw);
}
std::string ScopedTermPrefix(uint64_t scope, std::string_view term_id) {
  std::string k(1, 'Y');
  PutBigEndian64(&k, scope);
  return k.append(term_id);
}
std::string ScopedOrderPrefix(uint64_t scope) {
  std::string k(1, 'Q');
  PutBigEndian64(&k, scope);
  return k;
}
std::string AuthorityScopeName(std::string_view authority_ifi_key) {
  return "authority>" + std::string(authority_ifi_key);
}
std::string Organisation(std::string_view org_id) { return Tagged('f', org_id); }
std::string Learner(std::string_view learner_id) { return Tagged('l', learner_id); }
std::string PartitionOwner(uint64_t part) {
  std::string k(1, 'n');
  PutBigEndian64(&k, part);
  return k;
}
std::string Grant(std::string_view learner_id, std::string_view grant_id) {
  return Tagged('g', learner_id).append(1, '\0').append(grant_id);
}
std::string Grantee(std::string_view org_id, std::string_view learner_id) {
  return Tagged('h', org_id).append(1, '\0').append(learner_id);
}
std::string AuditPrefix(std::string_view learner_id) {
  return Tagged('u', learner_id).append(1, '\0');
}
std::string Audit(std::string_view learner_id, uint64_t seq) {
  std::string k = AuditPrefix(learner_id);
  PutBigEndian64(&k, seq);
  return k;
}
std::string Credential(std::string_view key) { return Tagged('K', key); }
std::string DocumentPrefix(uint64_t part, char kind, std::string_view activity,
                           std::string_view registration) {
  std::string k(1, 'D');
  PutBigEndian64(&k, part);
  k.push_back(kind);
  k.append(Sha256(activity).substr(0, 16));
  k.append(Sha256(registration).substr(0, 16));
  return k;
}

std::string Activity(std::string_view activity_id) {
  return Tagged('C', Sha256(activity_id).substr(0, 16));
}

std::string Meta(std::string_view name) { return Tagged('M', name); }

std::string Location(uint64_t part, uint64_t seq, bool voiding) {
  std::string v;
  PutBigEndian64(&v, part);
  PutBigEndian64(&v, seq);
  v.push_back(voiding ? 1 : 0);
  return v;
}

ParsedLocation ParseLocation(std::string_view v) {
  return {GetBigEndian64(v), GetBigEndian64(v.substr(8)), v[16] != 0};
}

std::string PartAndId(uint64_t part, const Uuid& id) {
  std::string v;
  PutBigEndian64(&v, part);
  v.append(UuidBytes(id));
  return v;
}

}  // namespace lrs::store::keys
