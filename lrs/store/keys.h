// The RocksDB key layout (docs/STORAGE.md explains the why). Every key starts
// with a one-byte table tag; integers are big-endian so byte order is numeric
// order. Statements are keyed by partition first, so a learner's record is one
// contiguous range.
//
//   'S' part(8) seq(8)            -> statement JSON as stored
//   'I' uuid(16)                  -> part(8) seq(8) flags(1)   id index
//   'O' seq(8)                    -> part(8) uuid(16)           stored order (unvoided)
//   'X' term(17) seq(8)           -> part(8) uuid(16)           filter term index
//   'T' uuid(16)                  -> term(17) term(17) ...      a statement's terms
//   'V' uuid(16)                  -> voiding uuid(16)           voided marker
//   'R' target(16) uuid(16)       -> ""                         StatementRef targets
//   'P' hash(16)                  -> part(8) name               partition by name
//   'A' sha256(32)                -> attachment content
//   'D' part(8) kind(1) h(16) h(16) id -> document              documents
//   'C' hash(16)                  -> activity JSON             activity definitions
//   'K' key                       -> credential JSON
//   'M' name                      -> metadata (counters, store id)
//   'Y' scope(8) term(17) seq(8)  -> part(8) uuid(16)           scoped term index
//   'Q' scope(8) seq(8)           -> part(8) uuid(16)           scoped stored order
//   'W' uuid(16)                  -> term(17) ...               a statement's partition-scope terms
//   'p' uuid(16)                  -> JSON array                 provenance of an imported statement
//   'f' org-id                    -> organisation JSON
//   'l' learner-id                -> learner JSON
//   'n' part(8)                   -> learner-id                 partition owner
//   'g' learner-id 0 grant-id     -> grant JSON
//   'h' org-id 0 learner-id       -> ""                         grantee index
//   'u' learner-id 0 seq(8)       -> audit entry JSON
// A scope is a partition number or the number of an authority scope (the
// statements one authority wrote); both come from PartitionDirectory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lrs/base/encoding.h"
#include "lrs/xapi/terms.h"

namespace lrs::store::keys {

std::string Statement(uint64_t part, uint64_t seq);
std::string IdIndex(const Uuid& id);
std::string StoredOrder(uint64_t seq);
// A term's 17-byte id: kind + first 16 bytes of SHA-256(value). A
// statement's 'T' record is the concatenation of its term ids.
inline constexpr size_t kTermIdSize = 17;
std::string TermId(const xapi::Term& term);
// 'X' + term id: the prefix of one term's index entries.
std::string TermIndexPrefix(std::string_view term_id);
std::string TermIndex(std::string_view term_id, uint64_t seq);
// Any index keyed prefix + seq(8) ('O', or a term's 'X' prefix).
std::string SeqKey(std::string_view prefix, uint64_t seq);
std::string Terms(const Uuid& id);
// A statement's terms in its partition's scope: its own, plus those of
// StatementRef targets in the same partition.
std::string PartitionTerms(const Uuid& id);
std::string Voided(const Uuid& id);
std::string Provenance(const Uuid& id);
std::string RefTarget(const Uuid& target, const Uuid& referrer);
std::string RefTargetPrefix(const Uuid& target);
std::string Partition(std::string_view name);
// 'A' part(8) sha2: attachments are kept per partition, so erasing a
// learner erases their attachments without counting references.
std::string Attachment(uint64_t part, std::string_view sha2_raw);
std::string AttachmentPrefix(uint64_t part);
// 'Y' scope(8) term(17): one term's entries inside one scope.
std::string ScopedTermPrefix(uint64_t scope, std::string_view term_id);
// 'Q' scope(8): a scope's stored order.
std::string ScopedOrderPrefix(uint64_t scope);
// The partition name of the authority scope of an authority's IFI key.
// IFI keys start with "mbox", "openid" or "account", so no identity's
// partition name can equal it.
std::string AuthorityScopeName(std::string_view authority_ifi_key);
// Consent records: `id` strings are UUIDs; composite keys separate ids by a
// NUL byte so one id's entries are one prefix.
std::string Organisation(std::string_view org_id);
std::string Learner(std::string_view learner_id);
std::string PartitionOwner(uint64_t part);
std::string Grant(std::string_view learner_id, std::string_view grant_id);  // grant_id "" = prefix
std::string Grantee(std::string_view org_id,
                    std::string_view learner_id);  // learner_id "" = prefix
std::string Audit(std::string_view learner_id, uint64_t seq);
std::string AuditPrefix(std::string_view learner_id);
std::string Credential(std::string_view key);
// 'C' hash16(activity id) -> the activity as the Activities resource shows it.
std::string Activity(std::string_view activity_id);
// 'D' part(8) kind(1) hash16(activity) hash16(registration): the prefix of
// one document scope; the document id follows it.
std::string DocumentPrefix(uint64_t part, char kind, std::string_view activity,
                           std::string_view registration);
std::string Meta(std::string_view name);

// Values.
std::string Location(uint64_t part, uint64_t seq, bool voiding);  // 'I' value
struct ParsedLocation {
  uint64_t part;
  uint64_t seq;
  bool voiding;
};
ParsedLocation ParseLocation(std::string_view v);      // v.size() >= 17
std::string PartAndId(uint64_t part, const Uuid& id);  // 'O' and 'X' values

}  // namespace lrs::store::keys
