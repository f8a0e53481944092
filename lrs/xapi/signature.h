// Signed statements (Data 2.6): a statement may carry a JWS (compact
// serialization) as an attachment with usageType
// http://adlnet.gov/expapi/attachments/signature and contentType
// application/octet-stream. The LRS MUST reject the statement when the JWS is
// malformed, its algorithm is not RS256/RS384/RS512, its signature does not
// verify (with the first x5c certificate's public key when x5c is present),
// or its payload is not the same statement as the one it is attached to
// (compared as SameStatement does, ignoring the attachments property on the
// statement side).
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "lrs/base/status.h"

namespace lrs::xapi {

inline constexpr std::string_view kSignatureUsageType =
    "http://adlnet.gov/expapi/attachments/signature";

// Verifies `jws` (the attachment's raw bytes) against `statement`.
// InvalidArgument naming the failed check otherwise.
Status VerifySignedStatement(const boost::json::value& statement, std::string_view jws);

}  // namespace lrs::xapi
