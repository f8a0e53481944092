// ExportLearner: one learner's whole record as a bundle (bundle.h), written
// to a sink as it is read, so a record of any size streams in bounded
// memory: the learner's identities, the attachments kept in their
// partitions, every statement stored there in stored order (voided and
// voiding ones included, each with its provenance), their State and Agent
// Profile documents, and the audit log of who read the record.
//
// Statements and attachments come from one snapshot each; a write landing
// while the export runs is either in it whole or not at all.
#pragma once

#include <string_view>

#include "lrs/base/status.h"
#include "lrs/portability/byte_stream.h"
#include "lrs/portability/record_stores.h"
#include "lrs/portability/store_key.h"

namespace lrs::portability {

// NotFound for an unknown or erased learner (checked before anything is
// written to `sink`); errors after that leave `sink` with a partial bundle,
// which no reader accepts (it has no signature).
Status ExportLearner(const RecordStores& stores, const StoreKey& key, std::string_view learner_id,
                     ByteSink* sink);

// Whether the learner exists and can be exported (the check ExportLearner
// makes first): lets a server answer 404 before it starts a streamed 200.
Status CheckExportable(const RecordStores& stores, std::string_view learner_id);

}  // namespace lrs::portability
