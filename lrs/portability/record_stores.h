// The stores a learner's record is spread over, as the exporter and the
// importer reach them. The pointers are owned by lrsd's main.
#pragma once

#include "lrs/store/account_store.h"
#include "lrs/store/audit_store.h"
#include "lrs/store/document_store.h"
#include "lrs/store/statement_store.h"

namespace lrs::portability {

struct RecordStores {
  store::StatementStore* statements = nullptr;
  store::DocumentStore* documents = nullptr;
  store::AccountStore* accounts = nullptr;
  store::AuditStore* audit = nullptr;
};

}  // namespace lrs::portability
