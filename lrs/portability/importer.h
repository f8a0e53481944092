// ImportBundle: brings a bundle (bundle.h) into a learner's record
// (docs/PORTABILITY.md, "Import").
//
// Two passes over the bundle file. The first reads and verifies all of it
// and decides everything: which statements are new, which are already here
// (same id, same actor, same statement: skipped), which collide (same id,
// anything else: the whole import fails with Conflict listing them), the
// same for documents, and which identities the learner does not hold yet.
// Nothing is written unless the first pass succeeds. The second pass links
// the identities, writes attachments, statements (in batches, in the
// bundle's stored order, each keeping its id, with this store's stored and
// the importer's authority, the originals in a provenance record beside
// it) and documents, then records the import on the learner.
//
// Voiding is carried, not replayed: a statement voided at the source is
// stored voided here; a voiding statement voids nothing here by itself, so
// one whose target is absent is simply kept.
#pragma once

#include <boost/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/portability/record_stores.h"

namespace lrs::portability {

struct ImportPolicy {
  // Key ids (RFC 7638 thumbprints) of stores whose bundles may bring
  // identities the learner does not hold yet. A bundle from any other
  // signer imports only into identities the learner already holds (the
  // operator links them): otherwise anyone could mint a bundle naming
  // someone else's address and claim everything stored under it.
  std::set<std::string> trusted_keys;
  size_t batch_statements = 1000;
};

struct ImportSummary {
  uint64_t statements = 0;  // stored
  uint64_t voided = 0;      // of those, stored voided
  uint64_t skipped_statements = 0;
  uint64_t attachments = 0;
  uint64_t documents = 0;
  uint64_t skipped_documents = 0;
  uint64_t identities_linked = 0;
  std::string source_store;    // the signer's key id
  std::string source_learner;  // the learner id at the source
  Micros bundle_created = 0;
  boost::json::object ToJson() const;
};

// Imports the bundle file at `bundle_path` into learner `learner_id`;
// statements get `authority`. Errors of the first pass (nothing written):
// InvalidArgument (a check of the bundle failed, or it holds a statement or
// document of someone who is not one of its identities), Conflict (ids
// stored with other content or by another actor; documents with other
// content; an identity another learner holds), Forbidden (new identities
// from an untrusted signer). A failure in the second pass (a store error,
// or a conflicting write that arrived meanwhile) leaves what was written;
// importing the same bundle again completes it.
Result<ImportSummary> ImportBundle(const RecordStores& stores, const ImportPolicy& policy,
                                   std::string_view learner_id, const boost::json::value& authority,
                                   const std::string& bundle_path);

}  // namespace lrs::portability
