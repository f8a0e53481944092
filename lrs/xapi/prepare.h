// Preparing a validated statement for storage: the properties the LRS sets
// (Data 2.4): an id when the client sent none, the authority of the
// credential that wrote it (always replaced: a client cannot claim another's
// authority), the version ("1.0.0" at 1.0.3 and "2.0.0" at 2.0.0 when absent),
// and, at 2.0.0, a timestamp with an offset rewritten in UTC. "stored" (and a
// missing "timestamp") are set by the store at commit, when the stored time
// is known.
#pragma once

#include <boost/json.hpp>

#include "lrs/base/encoding.h"
#include "lrs/xapi/version.h"

namespace lrs::xapi {

// Returns the statement's id (the given one or a new random UUID).
Uuid PrepareStatement(boost::json::object& statement, Version version,
                      const boost::json::value& authority);

}  // namespace lrs::xapi
