// The query parameters of GET /xapi/statements, checked and turned into a
// store::StatementQuery, and the opaque `more` links that continue a query.
#pragma once

#include <optional>
#include <string>

#include "lrs/http/message.h"
#include "lrs/store/statement_store.h"

namespace lrs::http {

enum class SingleLookup { kNone, kStatementId, kVoidedStatementId };

struct PagedQuery {
  store::StatementQuery store;
  std::string original;        // the filter parameters, re-encoded, for `more`
  bool max_seq_fixed = false;  // a continued query keeps its first page's bound
};

struct ParsedStatementQuery {
  SingleLookup single = SingleLookup::kNone;
  PagedQuery query;
};

// Reads `params` (after any `more` token was expanded by ExpandMore).
// InvalidArgument naming the parameter for unknown, repeated or malformed
// parameters, and for statementId/voidedStatementId mixed with filters.
Result<ParsedStatementQuery> ParseStatementQuery(const QueryParams& params, size_t max_limit);

// If `params` is a `more` request, replaces it with the original parameters
// and sets `cursor` to where the next page starts and the bound it keeps.
struct MoreCursor {
  uint64_t next_seq;
  uint64_t max_seq;
};
Status ExpandMore(QueryParams* params, std::optional<MoreCursor>* cursor);
void ApplyCursor(const MoreCursor& cursor, PagedQuery* query);

// The relative URL of the page that starts at `next_seq`.
std::string MoreUrl(const PagedQuery& query, uint64_t next_seq);

}  // namespace lrs::http
