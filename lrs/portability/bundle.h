// A learner's bundle: the whole record of one learner in one file, signed by
// the store that exported it (docs/PORTABILITY.md has the layout; the
// manifest's schema is schema/bundle-manifest.schema.json).
//
// A BagIt-style ustar archive under one root folder, members in this order:
//   lrs-bundle/bagit.txt
//   lrs-bundle/data/identities.json          the learner's identities (Agents)
//   lrs-bundle/data/attachments/<sha2>        attachment contents, by SHA-256
//   lrs-bundle/data/statements/NNNNNN.jsonl   statements in stored order
//   lrs-bundle/data/documents/NNNNNN.json     a document's description, followed
//   lrs-bundle/data/documents/NNNNNN.content  at once by its bytes
//   lrs-bundle/data/audit/NNNNNN.jsonl        the audit log, oldest first
//   lrs-bundle/manifest-sha256.txt            BagIt payload manifest
//   lrs-bundle/manifest.json                  counts and every member's size and SHA-256
//   lrs-bundle/manifest.json.jws              detached JWS over manifest.json
// JSON-lines members are cut at about 4 MiB so none is large; the statement
// and audit sequences continue across them.
//
// A statement line is {"statement": <as stored>, "provenance": [hops],
// "voidedBy": "<id>"?}: "voidedBy" marks a statement voided by a statement
// that is not in the bundle (another writer's); the hops say where the
// statement was stored before, oldest first.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/portability/byte_stream.h"
#include "lrs/portability/jws.h"
#include "lrs/portability/store_key.h"
#include "lrs/portability/tar.h"

namespace lrs::portability {

inline constexpr std::string_view kBundleFormat = "https://w3id.org/learner-lrs/bundle";
inline constexpr int kBundleVersion = 1;
inline constexpr std::string_view kManifestJwsType = "learner-lrs-bundle-manifest+json";
// Media type of a bundle (the export's Content-Type, the import's body).
inline constexpr std::string_view kBundleMediaType = "application/vnd.learner-lrs.bundle+tar";

struct BundleCounts {
  uint64_t statements = 0;  // lines, voided ones included
  uint64_t voided = 0;      // of those, voided (by a statement in the bundle or not)
  uint64_t attachments = 0;
  uint64_t documents = 0;
  uint64_t identities = 0;
  uint64_t audit_entries = 0;
  bool operator==(const BundleCounts&) const = default;
};

struct StatementLine {
  boost::json::object statement;
  boost::json::array provenance;
  std::optional<std::string> voided_by;  // lowercase uuid
};

enum class DocumentType { kState, kAgentProfile };

struct DocumentEntry {
  DocumentType type = DocumentType::kState;
  boost::json::object agent;
  std::string activity_id;                  // State only
  std::optional<std::string> registration;  // State only
  std::string id;                           // stateId / profileId
  std::string content_type;
  Micros updated = 0;
  std::string content;
};

// Writes a bundle to `sink` as it is given: Begin, then attachments, then
// statements, then documents, then audit entries, then Finish. Calls out of
// that order are InvalidArgument. Memory: one JSON-lines chunk (~4 MiB) and
// the member list.
class BundleWriter {
 public:
  // `sink` and `key` outlive the writer; `created` is the export time.
  BundleWriter(ByteSink* sink, const StoreKey* key, Micros created);

  // `learner`: {"id", "name"} of the exported learner; `identities`: Agents.
  Status Begin(const boost::json::object& learner, const boost::json::array& identities);
  Status AddAttachment(std::string_view sha2_hex, std::string_view content);
  // `statement_json`: the statement exactly as stored; `provenance_json`: a
  // JSON array or "" for none; `voided_by`: the voiding statement's id.
  Status AddStatement(std::string_view statement_json, std::string_view provenance_json,
                      const std::optional<std::string>& voided_by);
  Status AddDocument(const DocumentEntry& document);
  Status AddAuditEntry(const boost::json::object& entry);
  // Writes the manifests and the signature and ends the archive.
  Status Finish();

  const BundleCounts& counts() const { return counts_; }

 private:
  enum class Phase { kNew, kAttachments, kStatements, kDocuments, kAudit, kDone };
  Status Enter(Phase phase);
  Status AddMember(const std::string& path, std::string_view content);
  Status AddLine(std::string_view line, const char* folder);
  Status FlushLines();

  TarWriter tar_;
  const StoreKey* key_;
  Micros created_;
  Phase phase_ = Phase::kNew;
  std::string lines_;  // the JSON-lines chunk being filled
  const char* lines_folder_ = nullptr;
  uint64_t chunk_number_ = 0;
  uint64_t document_number_ = 0;
  boost::json::array members_;
  boost::json::object learner_;
  std::string bagit_manifest_;
  BundleCounts counts_;
};

// What a reader is shown of a bundle, in the order of the archive. Each call
// may stop the reading by returning an error. Everything shown has passed
// its own checks (hash of the member so far is checked at the member's end,
// so a visitor must not act irrevocably before ReadBundle returns ok).
class BundleVisitor {
 public:
  virtual ~BundleVisitor() = default;
  virtual Status OnIdentities(const boost::json::array& identities) {
    (void)identities;
    return Status::Ok();
  }
  virtual Status OnAttachment(const std::string& sha2_hex, std::string content) {
    (void)sha2_hex, (void)content;
    return Status::Ok();
  }
  // `index`: 0-based position in the bundle's statement order.
  virtual Status OnStatement(StatementLine line, uint64_t index) {
    (void)line, (void)index;
    return Status::Ok();
  }
  virtual Status OnDocument(DocumentEntry document) {
    (void)document;
    return Status::Ok();
  }
  virtual Status OnAuditEntry(boost::json::object entry) {
    (void)entry;
    return Status::Ok();
  }
};

struct VerifiedBundle {
  boost::json::object manifest;
  VerifiedSignature signer;
  BundleCounts counts;
  Micros created = 0;
  boost::json::object learner;
};

struct ReadLimits {
  size_t max_attachment_bytes = 64u << 20;  // lrsd's default request body limit
  size_t max_document_bytes = 64u << 20;
  size_t max_line_bytes = 16u << 20;
};

// Reads and checks a whole bundle: the layout and member order above, every
// member's SHA-256 and size against the manifest (nothing missing, extra or
// reordered), the counts, every statement line (parses, validates as xAPI at
// its own version, has an id, a "stored" and an "authority"), attachments
// named by their own SHA-256, and the manifest's signature. InvalidArgument
// naming the first failure ("bundle: data/statements/000001.jsonl: sha256
// does not match the manifest", "bundle: statement line 17: ...").
// `visitor` may be null (verification only).
Result<VerifiedBundle> ReadBundle(ByteSource* source, BundleVisitor* visitor,
                                  const ReadLimits& limits = {});

// The statement minus what each store sets for itself ("stored",
// "authority"), with object keys sorted recursively, hashed (SHA-256 hex):
// equal at both ends of a move.
std::string StatementFingerprint(const boost::json::object& statement);

}  // namespace lrs::portability
