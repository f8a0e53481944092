// What `lrsctl move` compares between the bundle exported from the source
// and the one exported back from the destination: per statement its
// fingerprint (content apart from what each store sets, StatementFingerprint)
// and whether it is voided; per document the SHA-256 of its bytes. Only
// hashes are kept, so a record of millions of statements fits in memory.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lrs/portability/bundle.h"

namespace lrsctl {

class RecordDigest : public lrs::portability::BundleVisitor {
 public:
  // `only`: when set, statements and documents that `only` lacks are not
  // kept (the destination may hold more than the source; that is not
  // compared, so it need not be remembered).
  explicit RecordDigest(const RecordDigest* only = nullptr) : only_(only) {}

  lrs::Status OnStatement(lrs::portability::StatementLine line, uint64_t index) override;
  lrs::Status OnDocument(lrs::portability::DocumentEntry document) override;

  // A statement is voided when its line names the statement that voided it
  // (voidedBy) or when a voiding statement in the bundle targets it: the
  // source and the destination may each show a void either way.
  bool Voided(const std::string& id) const { return voided_.count(id) > 0; }

 private:
  friend struct Differences;
  const RecordDigest* only_;
  std::unordered_map<std::string, std::string> statements_;  // id -> fingerprint
  std::unordered_set<std::string> voided_;                   // ids
  std::unordered_map<std::string, std::string> documents_;   // key -> SHA-256 of content
};

// How `destination` fails to hold `source`: every statement and document
// of the source must be at the destination, alike, and voided alike.
struct Differences {
  uint64_t count = 0;
  std::vector<std::string> first;  // at most `limit` descriptions, e.g.
                                   // "statement <id>: not at the destination"

  static Differences Between(const RecordDigest& source, const RecordDigest& destination,
                             size_t limit);

 private:
  void Add(std::string what, size_t limit);
};

}  // namespace lrsctl
