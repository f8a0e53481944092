// ParseJson: the one way this store reads JSON, from clients and from its own
// storage. It allows deep nesting (extensions are arbitrary JSON, and the LRS
// adds a level when it wraps a single context activity in an array) and
// rejects numbers that do not fit a double (1e400 would parse as infinity and
// serialize as the invalid JSON word "Infinity").
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "lrs/base/status.h"

namespace lrs {

inline constexpr size_t kMaxJsonDepth = 256;

// InvalidArgument "WHAT: not valid JSON (...)" or "WHAT: a number is out of range".
Result<boost::json::value> ParseJson(std::string_view text, std::string_view what);

}  // namespace lrs
