// Reading the body of PUT/POST /statements: application/json, or
// multipart/mixed with the statements first and then attachment contents.
// Validates every statement for the request's version, checks that the
// attachment parts and the statements' attachment metadata match one to one
// by SHA-256, and verifies signed statements. What comes out is ready for
// PrepareStatement and the store.
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "lrs/http/message.h"
#include "lrs/store/statement_store.h"

namespace lrs::http {

struct StatementBody {
  std::vector<boost::json::object> statements;
  bool was_array = false;
  std::vector<store::AttachmentContent> attachments;
};

Result<StatementBody> ReadStatementBody(const RequestContext& ctx, size_t max_statements);

}  // namespace lrs::http
